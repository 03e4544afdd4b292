import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { containsPattern, LIKE_ESCAPE } from '../../common/db/like.js';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { SecretBox } from '../../infra/crypto/secret-box.js';
import { AuditService } from '../audit/audit.service.js';
import { isUniqueViolation, type ListQuery } from './crud-support.js';
import {
  ExecHostEntity,
  ExecHostStatusEntity,
  ExecHostTagEntity,
  HOST_STATES,
  type HostState,
} from './exec-host.entity.js';
import { execHostProblems, normaliseAddress, type ExecHostInput } from './exec-host.input.js';
import { hostView, statusView, type ExecHostView } from './exec-host.view.js';

export const HOST_SORTS = ['name', 'address', 'slots', 'enabled', 'state', 'lastSeenAt', 'updatedAt'] as const;
export type HostSort = (typeof HOST_SORTS)[number];

const SORT_COLUMNS: Record<HostSort, string> = {
  name: 'h.name',
  address: 'h.address',
  slots: 'h.slots',
  enabled: 'h.enabled',
  state: 's.state',
  lastSeenAt: 's.lastSeenAt',
  updatedAt: 'h.updatedAt',
};

export interface HostListQuery extends ListQuery<HostSort> {
  enabled?: boolean;
  state?: HostState;
  tag?: string;
}

export const isHostState = (value: unknown): value is HostState => HOST_STATES.some((state) => state === value);

/** Exec host definitions: list, read, create, update, enable/disable. The token is sealed with SecretBox. */
@Injectable()
export class ExecHostService {
  constructor(
    @InjectRepository(ExecHostEntity) private readonly hosts: Repository<ExecHostEntity>,
    @InjectRepository(ExecHostTagEntity) private readonly tags: Repository<ExecHostTagEntity>,
    @InjectRepository(ExecHostStatusEntity) private readonly statuses: Repository<ExecHostStatusEntity>,
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(query: HostListQuery): Promise<{ rows: ExecHostView[]; total: number }> {
    const builder = this.hosts.createQueryBuilder('h').leftJoin(ExecHostStatusEntity, 's', 's.hostId = h.id');
    if (query.search) {
      builder.andWhere(
        `(h.name LIKE :search ${LIKE_ESCAPE} OR h.address LIKE :search ${LIKE_ESCAPE} OR h.description LIKE :search ${LIKE_ESCAPE})`,
        { search: containsPattern(query.search) },
      );
    }
    if (query.enabled !== undefined) builder.andWhere('h.enabled = :enabled', { enabled: query.enabled ? 1 : 0 });
    if (query.tag) {
      builder.andWhere('EXISTS (SELECT 1 FROM exec_host_tag t WHERE t.host_id = h.id AND t.tag = :tag)', {
        tag: query.tag,
      });
    }
    if (query.state) this.filterState(builder, query.state);
    const total = await builder.getCount();
    const hosts = await builder
      .orderBy(SORT_COLUMNS[query.sort], query.order)
      .addOrderBy('h.id', 'ASC')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getMany();
    return { rows: await this.views(hosts), total };
  }

  /** The shown state (statusView) in SQL: online/draining hosts silent too long count as offline. */
  private filterState(builder: SelectQueryBuilder<ExecHostEntity>, state: HostState): void {
    const fresh = Date.now() - this.config.values.exec.offlineSeconds * 1000;
    switch (state) {
      case 'unknown':
        builder.andWhere("(s.state IS NULL OR s.state = 'unknown')");
        return;
      case 'online':
      case 'draining':
        builder.andWhere('s.state = :state AND s.lastSeenAt >= :fresh', { state, fresh });
        return;
      case 'offline':
        builder.andWhere(
          "(s.state = 'offline' OR (s.state IN ('online', 'draining') AND (s.lastSeenAt IS NULL OR s.lastSeenAt < :fresh)))",
          { fresh },
        );
        return;
    }
  }

  private async views(hosts: ExecHostEntity[]): Promise<ExecHostView[]> {
    if (hosts.length === 0) return [];
    const ids = hosts.map((host) => host.id);
    const [tags, statuses] = await Promise.all([
      this.tags.find({ where: { hostId: In(ids) }, order: { tag: 'ASC' } }),
      this.statuses.findBy({ hostId: In(ids) }),
    ]);
    const offline = this.config.values.exec.offlineSeconds;
    return hosts.map((host) =>
      hostView(
        host,
        tags.filter((tag) => tag.hostId === host.id).map((tag) => tag.tag),
        statusView(
          statuses.find((status) => status.hostId === host.id),
          offline,
        ),
      ),
    );
  }

  async get(id: number): Promise<ExecHostView> {
    const host = await this.hosts.findOneBy({ id });
    if (!host) throw notFound('exec host');
    const [view] = await this.views([host]);
    return view;
  }

  /** The decrypted token, for calling the node; never shown. */
  async target(id: number): Promise<{ address: string; token: string; name: string }> {
    const host = await this.hosts.findOneBy({ id });
    if (!host) throw notFound('exec host');
    return { address: host.address, token: this.box.decrypt(host.tokenEncrypted), name: host.name };
  }

  async create(input: ExecHostInput, actor: Principal, ip = ''): Promise<ExecHostView> {
    const fields = execHostProblems(input, true);
    if (!fields.name && (await this.hosts.existsBy({ name: input.name! }))) fields.name = 'is already taken';
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    const now = new Date();
    const host = this.hosts.create({
      name: input.name!,
      address: normaliseAddress(input.address!),
      tokenEncrypted: this.box.encrypt(input.token!),
      slots: input.slots!,
      enabled: input.enabled ?? true,
      description: input.description ?? '',
      createdAt: now,
      updatedAt: now,
      updatedBy: actor.username,
    });
    await this.saving(async (manager) => {
      await manager.getRepository(ExecHostEntity).insert(host);
      await this.replaceTags(manager, host.id, input.tags ?? []);
      const detail = { address: host.address, slots: host.slots, tags: input.tags ?? [], enabled: host.enabled };
      await this.audit.record(
        { actor, action: 'create', targetType: 'exec_host', targetId: host.id, targetName: host.name, detail, ip },
        manager,
      );
    });
    return this.get(host.id);
  }

  async update(id: number, input: ExecHostInput, actor: Principal, ip = ''): Promise<ExecHostView> {
    const host = await this.hosts.findOneBy({ id });
    if (!host) throw notFound('exec host');
    const fields = execHostProblems(input, false);
    if (!fields.name && input.name !== undefined && input.name !== host.name) {
      if (await this.hosts.existsBy({ name: input.name })) fields.name = 'is already taken';
    }
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    const changes: Partial<ExecHostEntity> = { updatedAt: new Date(), updatedBy: actor.username };
    if (input.name !== undefined) changes.name = input.name;
    if (input.address !== undefined) changes.address = normaliseAddress(input.address);
    if (input.slots !== undefined) changes.slots = input.slots;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.description !== undefined) changes.description = input.description;
    const tokenChanged = input.token !== undefined && input.token !== '';
    if (tokenChanged) changes.tokenEncrypted = this.box.encrypt(input.token!);
    await this.saving(async (manager) => {
      await manager.getRepository(ExecHostEntity).update({ id }, changes);
      if (input.tags !== undefined) await this.replaceTags(manager, id, input.tags);
      const { tokenEncrypted: _sealed, updatedAt: _at, updatedBy: _by, ...shown } = changes;
      const detail = {
        ...shown,
        ...(input.tags ? { tags: input.tags } : {}),
        ...(tokenChanged ? { tokenChanged } : {}),
      };
      await this.audit.record(
        {
          actor,
          action: 'update',
          targetType: 'exec_host',
          targetId: id,
          targetName: changes.name ?? host.name,
          detail,
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  async setEnabled(id: number, enabled: boolean, actor: Principal, ip = ''): Promise<ExecHostView> {
    const host = await this.hosts.findOneBy({ id });
    if (!host) throw notFound('exec host');
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(ExecHostEntity)
        .update({ id }, { enabled, updatedAt: new Date(), updatedBy: actor.username });
      await this.audit.record(
        {
          actor,
          action: enabled ? 'enable' : 'disable',
          targetType: 'exec_host',
          targetId: id,
          targetName: host.name,
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  private async replaceTags(manager: EntityManager, hostId: number, tags: string[]): Promise<void> {
    const repository = manager.getRepository(ExecHostTagEntity);
    await repository.delete({ hostId });
    if (tags.length > 0) await repository.insert([...new Set(tags)].map((tag) => ({ hostId, tag })));
  }

  /** One transaction; a unique-name race lost to another writer is reported like a taken name. */
  private async saving(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationException({ name: 'is already taken' });
      throw error;
    }
  }
}
