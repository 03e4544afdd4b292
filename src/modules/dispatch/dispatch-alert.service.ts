import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { AlertChannelEntity, type ChannelType } from '../alert/alert-channel.entity.js';
import { emailListProblem, mentionListProblem, normaliseRecipients } from '../alert/recipients.js';
import { AuditService } from '../audit/audit.service.js';
import { ALERT_EVENTS, DispatchAlertEntity, DispatchEntity, type AlertEvent } from './dispatch.entity.js';

export const MAX_RULES = 50;

export interface DispatchAlertInput {
  event?: AlertEvent;
  channelId?: number;
  recipients?: string;
  enabled?: boolean;
}

/** A rule as shown: with its channel's name and type. */
export interface DispatchAlertView {
  id: number;
  dispatchId: number;
  event: AlertEvent;
  channelId: number;
  channelName: string;
  channelType: ChannelType | null;
  recipients: string;
  enabled: boolean;
}

type Channel = Pick<AlertChannelEntity, 'id' | 'name' | 'type'>;

/** Field → problem for one rule sent through `channel` (undefined: no such channel); `prefix` names it in a list. */
export function alertRuleProblems(
  rule: Pick<DispatchAlertInput, 'event' | 'recipients'>,
  channel: Pick<Channel, 'type'> | undefined,
  prefix: string,
  fields: Record<string, string>,
): void {
  if (!ALERT_EVENTS.some((event) => event === rule.event))
    fields[`${prefix}event`] = `must be one of ${ALERT_EVENTS.join(', ')}`;
  if (!channel) {
    fields[`${prefix}channelId`] = 'must be the id of an alert channel';
    return;
  }
  const recipients = rule.recipients ?? '';
  const problem = channel.type === 'smtp' ? emailListProblem(recipients, true) : mentionListProblem(recipients);
  if (problem) fields[`${prefix}recipients`] = problem;
}

/**
 * Per-dispatch alert rules (the legacy "alert tab"): on failure / success / timeout / recovery, send
 * through a channel to recipients (email addresses for SMTP channels, free text for webhooks).
 */
@Injectable()
export class DispatchAlertService {
  constructor(
    @InjectRepository(DispatchAlertEntity) private readonly rules: Repository<DispatchAlertEntity>,
    @InjectRepository(DispatchEntity) private readonly dispatches: Repository<DispatchEntity>,
    @InjectRepository(AlertChannelEntity) private readonly channels: Repository<AlertChannelEntity>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async dispatch(id: number): Promise<DispatchEntity> {
    const dispatch = await this.dispatches.findOneBy({ id });
    if (!dispatch) throw notFound('dispatch');
    return dispatch;
  }

  async list(dispatchId: number): Promise<DispatchAlertView[]> {
    await this.dispatch(dispatchId);
    const rules = await this.rules.find({ where: { dispatchId }, order: { id: 'ASC' } });
    const ids = [...new Set(rules.map((rule) => rule.channelId))];
    const channels: Channel[] =
      ids.length > 0
        ? await this.channels.find({ select: { id: true, name: true, type: true }, where: { id: In(ids) } })
        : [];
    return rules.map((rule) => {
      const channel = channels.find((item) => item.id === rule.channelId);
      return { ...rule, channelName: channel?.name ?? `#${rule.channelId}`, channelType: channel?.type ?? null };
    });
  }

  /** Field → problem for one rule; `prefix` names it inside a list ("rules.2."). */
  private checkRule(
    rule: DispatchAlertInput,
    channels: Channel[],
    prefix: string,
    fields: Record<string, string>,
  ): void {
    alertRuleProblems(
      rule,
      channels.find((item) => item.id === rule.channelId),
      prefix,
      fields,
    );
  }

  private async checkRules(
    dispatchId: number,
    rules: DispatchAlertInput[],
    prefix: (index: number) => string,
    keepIds: number[] = [],
  ) {
    const ids = rules.map((rule) => rule.channelId).filter((id): id is number => Number.isInteger(id));
    const channels: Channel[] =
      ids.length > 0
        ? await this.channels.find({ select: { id: true, name: true, type: true }, where: { id: In(ids) } })
        : [];
    const fields: Record<string, string> = {};
    const seen = new Set<string>();
    const existing = keepIds.length === 0 ? [] : await this.rules.find({ where: { dispatchId, id: In(keepIds) } });
    for (const rule of existing) seen.add(`${rule.event}:${rule.channelId}`);
    rules.forEach((rule, index) => {
      this.checkRule(rule, channels, prefix(index), fields);
      const key = `${rule.event}:${rule.channelId}`;
      if (seen.has(key) && !fields[`${prefix(index)}channelId`])
        fields[`${prefix(index)}channelId`] = 'already alerts on this event';
      seen.add(key);
    });
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    return channels;
  }

  private row(dispatchId: number, rule: DispatchAlertInput, channels: Channel[]) {
    const email = channels.find((item) => item.id === rule.channelId)?.type === 'smtp';
    return {
      dispatchId,
      event: rule.event!,
      channelId: rule.channelId!,
      recipients: normaliseRecipients(rule.recipients ?? '', email),
      enabled: rule.enabled ?? true,
    };
  }

  async add(dispatchId: number, rule: DispatchAlertInput, actor: Principal, ip = ''): Promise<DispatchAlertView[]> {
    const dispatch = await this.dispatch(dispatchId);
    const others = await this.rules.find({ select: { id: true }, where: { dispatchId } });
    if (others.length >= MAX_RULES) throw new ValidationException({ event: `at most ${MAX_RULES} rules per dispatch` });
    const channels = await this.checkRules(
      dispatchId,
      [rule],
      () => '',
      others.map((other) => other.id),
    );
    await this.write(dispatch, actor, ip, 'alert_add', async (manager) => {
      const row = this.row(dispatchId, rule, channels);
      await manager.getRepository(DispatchAlertEntity).insert(row);
      return row;
    });
    return this.list(dispatchId);
  }

  /** Replaces every rule of the dispatch in one transaction. */
  async replace(
    dispatchId: number,
    rules: DispatchAlertInput[],
    actor: Principal,
    ip = '',
  ): Promise<DispatchAlertView[]> {
    const dispatch = await this.dispatch(dispatchId);
    if (rules.length > MAX_RULES) throw new ValidationException({ rules: `at most ${MAX_RULES} rules` });
    const channels = await this.checkRules(dispatchId, rules, (index) => `rules.${index}.`);
    await this.write(dispatch, actor, ip, 'alert_replace', async (manager) => {
      await manager.getRepository(DispatchAlertEntity).delete({ dispatchId });
      const rows = rules.map((rule) => this.row(dispatchId, rule, channels));
      if (rows.length > 0) await manager.getRepository(DispatchAlertEntity).insert(rows);
      return rows;
    });
    return this.list(dispatchId);
  }

  /** Changes recipients or enabled of one rule. */
  async update(
    dispatchId: number,
    ruleId: number,
    change: Pick<DispatchAlertInput, 'recipients' | 'enabled'>,
    actor: Principal,
    ip = '',
  ) {
    const dispatch = await this.dispatch(dispatchId);
    const rule = await this.rules.findOneBy({ id: ruleId, dispatchId });
    if (!rule) throw notFound('dispatch alert');
    const merged = {
      event: rule.event,
      channelId: rule.channelId,
      recipients: change.recipients ?? rule.recipients,
      enabled: change.enabled ?? rule.enabled,
    };
    const channels = await this.checkRules(dispatchId, [merged], () => '');
    await this.write(dispatch, actor, ip, 'alert_update', async (manager) => {
      const row = this.row(dispatchId, merged, channels);
      await manager
        .getRepository(DispatchAlertEntity)
        .update({ id: ruleId }, { recipients: row.recipients, enabled: row.enabled });
      return { id: ruleId, ...row };
    });
    return this.list(dispatchId);
  }

  async remove(dispatchId: number, ruleId: number, actor: Principal, ip = ''): Promise<DispatchAlertView[]> {
    const dispatch = await this.dispatch(dispatchId);
    const rule = await this.rules.findOneBy({ id: ruleId, dispatchId });
    if (!rule) throw notFound('dispatch alert');
    await this.write(dispatch, actor, ip, 'alert_delete', async (manager) => {
      await manager.getRepository(DispatchAlertEntity).delete({ id: ruleId });
      return rule;
    });
    return this.list(dispatchId);
  }

  /** The change and its audit entry in one transaction. */
  private async write(
    dispatch: DispatchEntity,
    actor: Principal,
    ip: string,
    action: string,
    work: (manager: EntityManager) => Promise<unknown>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const detail = await work(manager);
      await this.audit.record(
        { actor, action, targetType: 'dispatch', targetId: dispatch.id, targetName: dispatch.name, detail, ip },
        manager,
      );
    });
  }
}
