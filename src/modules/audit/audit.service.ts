import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { AuditLogEntity } from './audit-log.entity.js';

export interface AuditEntry {
  actor: Principal | { userId: number | null; username: string } | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  targetName?: string;
  detail?: unknown;
  ip?: string;
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  username?: string;
  action?: string;
  targetType?: string;
}

/** Who did what, when, to which object. Writes join the caller's transaction when given one. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLogEntity) private readonly audit: Repository<AuditLogEntity>) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const repository = manager ? manager.getRepository(AuditLogEntity) : this.audit;
    const detail =
      entry.detail === undefined
        ? null
        : typeof entry.detail === 'string'
          ? entry.detail
          : JSON.stringify(entry.detail);
    await repository.insert({
      at: new Date(),
      userId: entry.actor?.userId ?? null,
      username: entry.actor?.username ?? '(anonymous)',
      action: entry.action,
      targetType: entry.targetType ?? '',
      targetId: entry.targetId === undefined ? '' : String(entry.targetId),
      targetName: (entry.targetName ?? '').slice(0, 255),
      detail: detail === null ? null : detail.slice(0, 4000),
      ip: (entry.ip ?? '').slice(0, 64),
    });
  }

  async list(query: AuditQuery): Promise<{ rows: AuditLogEntity[]; total: number }> {
    const builder = this.audit.createQueryBuilder('a').orderBy('a.id', 'DESC');
    if (query.username) builder.andWhere('a.username = :username', { username: query.username });
    if (query.action) builder.andWhere('a.action = :action', { action: query.action });
    if (query.targetType) builder.andWhere('a.target_type = :targetType', { targetType: query.targetType });
    const [rows, total] = await builder
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { rows, total };
  }
}
