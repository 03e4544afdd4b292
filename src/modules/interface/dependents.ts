import { In, type EntityManager } from 'typeorm';
import { AppException } from '../../common/http/app.exception.js';
import type { AuditEntry, AuditService } from '../audit/audit.service.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../job/job.entity.js';
import { chunks } from './mesh-write.js';
import { jobLabelText, jobLabels } from './mesh-graph.js';

export const DEPENDENT_RELATIONS = ['child_interface', 'job', 'dispatch', 'dependent_job'] as const;
/**
 * child_interface: an interface whose parent is the target; job: a job inside the target interface;
 * dispatch: a schedule of the target interface; dependent_job: a job (elsewhere) that has the
 * target job, or a job inside the target interface, as a prerequisite.
 */
export type DependentRelation = (typeof DEPENDENT_RELATIONS)[number];

export interface Dependent {
  relation: DependentRelation;
  id: number;
  name: string;
  /** For jobs: the interface the job belongs to. */
  interfaceId?: number;
  interfaceName?: string;
  /** The object being deleted that this one depends on. */
  of: { type: 'interface' | 'job'; id: number; name: string };
}

const NOUNS: Record<DependentRelation, [string, string]> = {
  child_interface: ['child interface', 'child interfaces'],
  job: ['job', 'jobs'],
  dispatch: ['dispatch', 'dispatches'],
  dependent_job: ['dependent job', 'dependent jobs'],
};

/** 409 HAS_DEPENDENTS: what depends on the targets, so the user can decide on a cascade. */
export function dependentsException(what: string, dependents: Dependent[]): AppException {
  const counts = DEPENDENT_RELATIONS.map((relation) => {
    const count = dependents.filter((dependent) => dependent.relation === relation).length;
    return count === 0 ? '' : `${count} ${NOUNS[relation][count === 1 ? 0 : 1]}`;
  }).filter(Boolean);
  return new AppException(
    'HAS_DEPENDENTS',
    `${what} has dependents (${counts.join(', ')}); confirm a cascade to remove them too`,
    { dependents },
  );
}

/** Jobs that depend on any of `jobIds` and are not themselves among `excluded` jobs. */
export async function dependentJobs(
  manager: EntityManager,
  jobIds: number[],
  isExcluded: (job: { id: number; interfaceId: number }) => boolean,
): Promise<{ jobId: number; prerequisiteId: number }[]> {
  const edges: { jobId: number; prerequisiteId: number }[] = [];
  for (const part of chunks(jobIds)) {
    const rows = await manager
      .getRepository(JobDependencyEntity)
      .createQueryBuilder('d')
      .innerJoin(JobEntity, 'j', 'j.id = d.job_id')
      .select(['d.job_id AS jobId', 'd.prerequisite_id AS prerequisiteId', 'j.interface_id AS interfaceId'])
      .where('d.prerequisite_id IN (:...part)', { part })
      .getRawMany<{ jobId: number | string; prerequisiteId: number | string; interfaceId: number | string }>();
    for (const row of rows) {
      const job = { id: Number(row.jobId), interfaceId: Number(row.interfaceId) };
      if (!isExcluded(job)) edges.push({ jobId: job.id, prerequisiteId: Number(row.prerequisiteId) });
    }
  }
  return edges;
}

/** Removes jobs with their params and every edge to or from them. */
export async function removeJobs(manager: EntityManager, jobIds: number[]): Promise<void> {
  for (const part of chunks(jobIds)) {
    await manager.getRepository(JobParamEntity).delete({ jobId: In(part) });
    await manager.getRepository(JobDependencyEntity).delete({ jobId: In(part) });
    await manager.getRepository(JobDependencyEntity).delete({ prerequisiteId: In(part) });
    await manager.getRepository(JobEntity).delete({ id: In(part) });
  }
}

/**
 * Audits, on each surviving job, the prerequisites a cascade took away from it (it is a change to
 * that job even though the user deleted something else).
 */
export async function auditLostPrerequisites(
  manager: EntityManager,
  audit: AuditService,
  edges: { jobId: number; prerequisiteId: number }[],
  base: Pick<AuditEntry, 'actor' | 'ip'>,
): Promise<void> {
  if (edges.length === 0) return;
  const labels = await jobLabels(manager, [...edges.map((edge) => edge.jobId), ...edges.map((e) => e.prerequisiteId)]);
  const removed = new Map<number, string[]>();
  for (const edge of edges) {
    const prerequisite = labels.get(edge.prerequisiteId);
    const list = removed.get(edge.jobId) ?? [];
    list.push(prerequisite ? jobLabelText(prerequisite) : `#${edge.prerequisiteId}`);
    removed.set(edge.jobId, list);
  }
  for (const [jobId, names] of removed) {
    await audit.record(
      {
        ...base,
        action: 'update',
        targetType: 'job',
        targetId: jobId,
        targetName: labels.get(jobId)?.name ?? '',
        detail: { prerequisites: { added: [], removed: names }, cascade: true },
      },
      manager,
    );
  }
}
