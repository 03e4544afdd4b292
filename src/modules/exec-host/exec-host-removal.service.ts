import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { AuditService } from '../audit/audit.service.js';
import { JobEntity } from '../job/job.entity.js';
import { dependentsError, requireAll, type BlockedTarget } from './crud-support.js';
import { ExecHostEntity, ExecHostStatusEntity, ExecHostTagEntity } from './exec-host.entity.js';

export interface HostRemoval {
  deleted: number[];
  /** Jobs that were pinned to a deleted host and now route by their host tag. */
  unpinnedJobs: number[];
}

type PinnedJob = Pick<JobEntity, 'id' | 'name' | 'execHostId' | 'hostTag'>;

function blockedBy(hosts: ExecHostEntity[], jobs: PinnedJob[]): BlockedTarget[] {
  return hosts
    .map((host) => ({
      id: host.id,
      name: host.name,
      dependents: jobs
        .filter((job) => job.execHostId === host.id)
        .map((job) => ({ type: 'job', id: job.id, name: job.name })),
    }))
    .filter((target) => target.dependents.length > 0);
}

/**
 * Deleting hosts. Jobs pinned to a host depend on it:
 * - without cascade the delete is refused, listing them;
 * - with cascade, pinned jobs that have a host tag are unpinned (they keep running on any enabled
 *   host with that tag) in the same transaction as the delete;
 * - pinned jobs without a host tag would have nowhere to run, so the delete is refused even with
 *   cascade until they are moved to another host or given a tag.
 */
@Injectable()
export class ExecHostRemovalService {
  constructor(
    @InjectRepository(ExecHostEntity) private readonly hosts: Repository<ExecHostEntity>,
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async remove(ids: number[], cascade: boolean, actor: Principal, ip = ''): Promise<HostRemoval> {
    const hosts = ids.length > 0 ? await this.hosts.findBy({ id: In(ids) }) : [];
    requireAll('exec host', ids, hosts);
    const pinned: PinnedJob[] = await this.jobs.find({
      select: { id: true, name: true, execHostId: true, hostTag: true },
      where: { execHostId: In(ids) },
      order: { name: 'ASC' },
    });
    if (pinned.length > 0 && !cascade) {
      throw dependentsError(
        `${pinned.length} job(s) are pinned to this host; confirm to unpin them (they then run on hosts carrying their host tag)`,
        blockedBy(hosts, pinned),
        !pinned.some((job) => job.hostTag === ''),
      );
    }
    const stranded = pinned.filter((job) => job.hostTag === '');
    if (stranded.length > 0) {
      throw dependentsError(
        `${stranded.length} pinned job(s) have no host tag and would have nowhere to run; pin them to another host or give them a host tag first`,
        blockedBy(hosts, stranded),
        false,
      );
    }
    await this.dataSource.transaction(async (manager) => {
      const now = new Date();
      for (const job of pinned) {
        await manager
          .getRepository(JobEntity)
          .update({ id: job.id }, { execHostId: null, updatedAt: now, updatedBy: actor.username });
        const detail = { execHostId: null, previousExecHostId: job.execHostId, hostTag: job.hostTag };
        await this.audit.record(
          { actor, action: 'unpin', targetType: 'job', targetId: job.id, targetName: job.name, detail, ip },
          manager,
        );
      }
      await manager.getRepository(ExecHostTagEntity).delete({ hostId: In(ids) });
      await manager.getRepository(ExecHostStatusEntity).delete({ hostId: In(ids) });
      await manager.getRepository(ExecHostEntity).delete({ id: In(ids) });
      for (const host of hosts) {
        const unpinned = pinned.filter((job) => job.execHostId === host.id).map((job) => job.id);
        await this.audit.record(
          {
            actor,
            action: 'delete',
            targetType: 'exec_host',
            targetId: host.id,
            targetName: host.name,
            detail: unpinned.length > 0 ? { unpinnedJobs: unpinned } : undefined,
            ip,
          },
          manager,
        );
      }
    });
    return { deleted: hosts.map((host) => host.id), unpinnedJobs: pinned.map((job) => job.id) };
  }
}
