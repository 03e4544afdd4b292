import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { AuditService } from '../audit/audit.service.js';
import { DispatchAlertEntity, DispatchEntity } from '../dispatch/dispatch.entity.js';
import { dependentsError, requireAll } from '../exec-host/crud-support.js';
import { AlertChannelEntity } from './alert-channel.entity.js';

export interface ChannelRemoval {
  deleted: number[];
  /** Dispatch alert rules that used a deleted channel and were deleted with it. */
  deletedRules: number[];
}

/**
 * Deleting channels. Dispatch alert rules using a channel depend on it: the delete is refused,
 * listing them, unless the user confirms the cascade; then the rules go in the same transaction.
 */
@Injectable()
export class AlertChannelRemovalService {
  constructor(
    @InjectRepository(AlertChannelEntity) private readonly channels: Repository<AlertChannelEntity>,
    @InjectRepository(DispatchAlertEntity) private readonly rules: Repository<DispatchAlertEntity>,
    @InjectRepository(DispatchEntity) private readonly dispatches: Repository<DispatchEntity>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async remove(ids: number[], cascade: boolean, actor: Principal, ip = ''): Promise<ChannelRemoval> {
    const channels = ids.length > 0 ? await this.channels.findBy({ id: In(ids) }) : [];
    requireAll('alert channel', ids, channels);
    const rules = await this.rules.find({ where: { channelId: In(ids) }, order: { id: 'ASC' } });
    if (rules.length > 0 && !cascade) {
      const dispatchIds = [...new Set(rules.map((rule) => rule.dispatchId))];
      const dispatches = await this.dispatches.find({
        select: { id: true, name: true },
        where: { id: In(dispatchIds) },
      });
      const dispatchName = (id: number) => dispatches.find((dispatch) => dispatch.id === id)?.name ?? `#${id}`;
      const blocked = channels
        .map((channel) => ({
          id: channel.id,
          name: channel.name,
          dependents: rules
            .filter((rule) => rule.channelId === channel.id)
            .map((rule) => ({
              type: 'dispatch_alert',
              id: rule.id,
              name: `${dispatchName(rule.dispatchId)} (${rule.event})`,
            })),
        }))
        .filter((target) => target.dependents.length > 0);
      throw dependentsError(
        `${rules.length} dispatch alert rule(s) use this channel; confirm to delete them with it`,
        blocked,
        true,
      );
    }
    await this.dataSource.transaction(async (manager) => {
      if (rules.length > 0)
        await manager.getRepository(DispatchAlertEntity).delete({ id: In(rules.map((rule) => rule.id)) });
      await manager.getRepository(AlertChannelEntity).delete({ id: In(ids) });
      for (const channel of channels) {
        const deletedRules = rules.filter((rule) => rule.channelId === channel.id).map((rule) => rule.id);
        await this.audit.record(
          {
            actor,
            action: 'delete',
            targetType: 'alert_channel',
            targetId: channel.id,
            targetName: channel.name,
            detail: deletedRules.length > 0 ? { deletedDispatchAlerts: deletedRules } : undefined,
            ip,
          },
          manager,
        );
      }
    });
    return { deleted: channels.map((channel) => channel.id), deletedRules: rules.map((rule) => rule.id) };
  }
}
