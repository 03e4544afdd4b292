import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { containsPattern, LIKE_ESCAPE } from '../../common/db/like.js';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { SecretBox } from '../../infra/crypto/secret-box.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation, type ListQuery } from '../exec-host/crud-support.js';
import { AlertChannelEntity, CHANNEL_TYPES, type ChannelType } from './alert-channel.entity.js';
import { alertChannelProblems, mergeSmtp, mergeWebhook, type AlertChannelInput } from './alert-channel.input.js';
import { channelView, readSettings, type AlertChannelView, type StoredSettings } from './alert-channel.view.js';

export const CHANNEL_SORTS = ['name', 'type', 'enabled', 'updatedAt'] as const;
export type ChannelSort = (typeof CHANNEL_SORTS)[number];

export interface ChannelListQuery extends ListQuery<ChannelSort> {
  type?: ChannelType;
  enabled?: boolean;
}

export const isChannelType = (value: unknown): value is ChannelType => CHANNEL_TYPES.some((type) => type === value);

interface Sealed {
  settings: string;
  secretEncrypted: string;
  secretChanged: boolean;
}

/** Alert channel definitions. Passwords and secret headers are sealed with SecretBox and never shown. */
@Injectable()
export class AlertChannelService {
  constructor(
    @InjectRepository(AlertChannelEntity) private readonly channels: Repository<AlertChannelEntity>,
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
  ) {}

  async list(query: ChannelListQuery): Promise<{ rows: AlertChannelView[]; total: number }> {
    const builder = this.channels.createQueryBuilder('c');
    if (query.search) builder.andWhere(`c.name LIKE :search ${LIKE_ESCAPE}`, { search: containsPattern(query.search) });
    if (query.type) builder.andWhere('c.type = :type', { type: query.type });
    if (query.enabled !== undefined) builder.andWhere('c.enabled = :enabled', { enabled: query.enabled ? 1 : 0 });
    const [rows, total] = await builder
      .orderBy(`c.${query.sort}`, query.order)
      .addOrderBy('c.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { rows: rows.map(channelView), total };
  }

  async entity(id: number): Promise<AlertChannelEntity> {
    const channel = await this.channels.findOneBy({ id });
    if (!channel) throw notFound('alert channel');
    return channel;
  }

  async get(id: number): Promise<AlertChannelView> {
    return channelView(await this.entity(id));
  }

  /** Every channel, for pickers. */
  choices(): Promise<Pick<AlertChannelEntity, 'id' | 'name' | 'type' | 'enabled'>[]> {
    return this.channels.find({ select: { id: true, name: true, type: true, enabled: true }, order: { name: 'ASC' } });
  }

  /** `formProblems`: what the form conversion already found (reported together with the rest). */
  async create(input: AlertChannelInput, actor: Principal, ip = '', formProblems: Record<string, string> = {}) {
    const fields = { ...alertChannelProblems(input, input.type, true), ...formProblems };
    if (!fields.name && (await this.channels.existsBy({ name: input.name! }))) fields.name = 'is already taken';
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    const sealed = this.seal(input.type!, input, {}, '');
    const now = new Date();
    const channel = this.channels.create({
      name: input.name!,
      type: input.type!,
      settings: sealed.settings,
      secretEncrypted: sealed.secretEncrypted,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
      updatedBy: actor.username,
    });
    await this.saving(async (manager) => {
      await manager.getRepository(AlertChannelEntity).insert(channel);
      const detail = {
        type: channel.type,
        settings: JSON.parse(sealed.settings) as unknown,
        secretSet: sealed.secretEncrypted !== '',
      };
      await this.audit.record(
        {
          actor,
          action: 'create',
          targetType: 'alert_channel',
          targetId: channel.id,
          targetName: channel.name,
          detail,
          ip,
        },
        manager,
      );
    });
    return channelView(channel);
  }

  async update(
    id: number,
    input: AlertChannelInput,
    actor: Principal,
    ip = '',
    formProblems: Record<string, string> = {},
  ) {
    const channel = await this.entity(id);
    const fields = { ...alertChannelProblems(input, channel.type, false), ...formProblems };
    if (input.type !== undefined && input.type !== channel.type)
      fields.type = 'cannot be changed; create another channel';
    if (!fields.name && input.name !== undefined && input.name !== channel.name) {
      if (await this.channels.existsBy({ name: input.name })) fields.name = 'is already taken';
    }
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    const sealed = this.seal(channel.type, input, readSettings(channel), channel.secretEncrypted);
    const changes: Partial<AlertChannelEntity> = {
      name: input.name ?? channel.name,
      enabled: input.enabled ?? channel.enabled,
      settings: sealed.settings,
      secretEncrypted: sealed.secretEncrypted,
      updatedAt: new Date(),
      updatedBy: actor.username,
    };
    await this.saving(async (manager) => {
      await manager.getRepository(AlertChannelEntity).update({ id }, changes);
      const detail = {
        name: changes.name,
        enabled: changes.enabled,
        settings: JSON.parse(sealed.settings) as unknown,
        ...(sealed.secretChanged ? { secretChanged: true } : {}),
      };
      await this.audit.record(
        { actor, action: 'update', targetType: 'alert_channel', targetId: id, targetName: changes.name, detail, ip },
        manager,
      );
    });
    return this.get(id);
  }

  async setEnabled(id: number, enabled: boolean, actor: Principal, ip = ''): Promise<AlertChannelView> {
    const channel = await this.entity(id);
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(AlertChannelEntity)
        .update({ id }, { enabled, updatedAt: new Date(), updatedBy: actor.username });
      await this.audit.record(
        {
          actor,
          action: enabled ? 'enable' : 'disable',
          targetType: 'alert_channel',
          targetId: id,
          targetName: channel.name,
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  /** New settings JSON and sealed secret: a secret left undefined or '' is kept, null removes it. */
  private seal(type: ChannelType, input: AlertChannelInput, current: StoredSettings, secret: string): Sealed {
    if (type === 'smtp') {
      const password = input.smtp?.password;
      const secretEncrypted = password === null ? '' : password ? this.box.encrypt(password) : secret;
      const settings = mergeSmtp(current, input.smtp ?? {});
      return { settings: JSON.stringify(settings), secretEncrypted, secretChanged: secretEncrypted !== secret };
    }
    const secretHeaders = input.webhook?.secretHeaders;
    let secretEncrypted = secret;
    let secretHeaderNames = current.secretHeaderNames ?? [];
    if (secretHeaders !== undefined) {
      const entries = Object.keys(secretHeaders ?? {});
      secretEncrypted = entries.length > 0 ? this.box.encrypt(JSON.stringify(secretHeaders)) : '';
      secretHeaderNames = entries;
    }
    const settings = { ...mergeWebhook(current, input.webhook ?? {}), secretHeaderNames };
    return { settings: JSON.stringify(settings), secretEncrypted, secretChanged: secretEncrypted !== secret };
  }

  private async saving(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationException({ name: 'is already taken' });
      throw error;
    }
  }
}
