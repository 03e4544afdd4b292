import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { AuditService } from '../audit/audit.service.js';
import {
  auditLostPrerequisites,
  dependentJobs,
  dependentsException,
  removeJobs,
  type Dependent,
} from '../interface/dependents.js';
import type { Actor } from '../interface/interface.service.js';
import { jobLabelText, jobLabels, type JobLabel } from '../interface/mesh-graph.js';
import { meshTransaction } from '../interface/mesh-write.js';

interface Plan {
  targets: JobLabel[];
  dependents: Dependent[];
  edges: { jobId: number; prerequisiteId: number }[];
}

/**
 * Deletes jobs. Jobs that depend on them make the delete refuse with the list, unless the caller
 * asks for a cascade: then those prerequisite edges are cut (the dependent jobs stay).
 */
@Injectable()
export class JobDeleteService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async dependents(ids: number[]): Promise<Dependent[]> {
    return (await this.plan(this.dataSource.manager, ids)).dependents;
  }

  async delete(ids: number[], cascade: boolean, actor: Actor): Promise<number[]> {
    return meshTransaction(this.dataSource, async (manager) => {
      const plan = await this.plan(manager, ids);
      if (plan.dependents.length > 0 && !cascade) {
        const what = plan.targets.length === 1 ? `job "${jobLabelText(plan.targets[0])}"` : 'the selected jobs';
        throw dependentsException(what, plan.dependents);
      }
      const base = { actor: actor.principal, ip: actor.ip };
      for (const target of plan.targets) {
        await this.audit.record(
          {
            ...base,
            action: 'delete',
            targetType: 'job',
            targetId: target.id,
            targetName: target.name,
            detail: {
              interface: target.interfaceName,
              dependents: plan.dependents
                .filter((d) => d.of.id === target.id)
                .map((d) => `${d.interfaceName} / ${d.name}`),
            },
          },
          manager,
        );
      }
      await auditLostPrerequisites(manager, this.audit, plan.edges, base);
      await removeJobs(
        manager,
        plan.targets.map((target) => target.id),
      );
      return plan.targets.map((target) => target.id);
    });
  }

  private async plan(manager: EntityManager, requested: number[]): Promise<Plan> {
    const ids = [...new Set(requested)];
    const found = await jobLabels(manager, ids);
    if (ids.length === 1 && found.size === 0) throw notFound('job');
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new ValidationException({ ids: `no such job: ${missing.join(', ')}` });
    const edges = await dependentJobs(manager, ids, (job) => found.has(job.id));
    const labels = await jobLabels(
      manager,
      edges.map((edge) => edge.jobId),
    );
    const dependents = edges.map((edge): Dependent => {
      const label = labels.get(edge.jobId)!;
      const target = found.get(edge.prerequisiteId)!;
      return {
        relation: 'dependent_job',
        id: label.id,
        name: label.name,
        interfaceId: label.interfaceId,
        interfaceName: label.interfaceName,
        of: { type: 'job', id: target.id, name: jobLabelText(target) },
      };
    });
    return { targets: ids.map((id) => found.get(id)!), dependents, edges };
  }
}
