import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { AuditService } from '../audit/audit.service.js';
import { DispatchAlertEntity, DispatchEntity } from '../dispatch/dispatch.entity.js';
import { JobEntity } from '../job/job.entity.js';
import {
  auditLostPrerequisites,
  dependentJobs,
  dependentsException,
  removeJobs,
  type Dependent,
} from './dependents.js';
import type { Actor } from './interface.service.js';
import { InterfaceDependencyEntity, InterfaceEntity } from './interface.entity.js';
import { jobLabels } from './mesh-graph.js';
import { chunks, meshTransaction } from './mesh-write.js';

interface Plan {
  targets: InterfaceEntity[];
  dependents: Dependent[];
  jobs: Pick<JobEntity, 'id' | 'name' | 'interfaceId'>[];
  dispatches: Pick<DispatchEntity, 'id' | 'name' | 'interfaceId'>[];
  externalEdges: { jobId: number; prerequisiteId: number }[];
  childEdges: { interfaceId: number; parentId: number }[];
}

/**
 * Deletes interfaces. What depends on them (child interfaces, their jobs, jobs elsewhere depending
 * on those jobs, their dispatches) makes the delete refuse with the list, unless the caller asks
 * for a cascade: then edges are cut and jobs and dispatches deleted, all in one transaction.
 */
@Injectable()
export class InterfaceDeleteService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** What a delete of these interfaces would take with it (empty: it can go without a cascade). */
  async dependents(ids: number[]): Promise<Dependent[]> {
    return (await this.plan(this.dataSource.manager, ids)).dependents;
  }

  async delete(ids: number[], cascade: boolean, actor: Actor): Promise<number[]> {
    return meshTransaction(this.dataSource, async (manager) => {
      const plan = await this.plan(manager, ids);
      if (plan.dependents.length > 0 && !cascade) {
        const what = plan.targets.length === 1 ? `interface "${plan.targets[0].name}"` : 'the selected interfaces';
        throw dependentsException(what, plan.dependents);
      }
      // audited first, while the names of what goes are still there to read (same transaction)
      await this.record(manager, plan, actor);
      await this.remove(manager, plan);
      return plan.targets.map((target) => target.id);
    });
  }

  private async plan(manager: EntityManager, requested: number[]): Promise<Plan> {
    const ids = [...new Set(requested)];
    const targets = await this.targets(manager, ids);
    const names = new Map(targets.map((target) => [target.id, target.name]));
    const of = (id: number) => ({ type: 'interface' as const, id, name: names.get(id) ?? '' });
    const inTargets = (id: number) => names.has(id);
    const jobs = await this.inChunks(ids, (part) =>
      manager.getRepository(JobEntity).find({
        select: { id: true, name: true, interfaceId: true },
        where: { interfaceId: In(part) },
        order: { name: 'ASC' },
      }),
    );
    const dispatches = await this.inChunks(ids, (part) =>
      manager.getRepository(DispatchEntity).find({
        select: { id: true, name: true, interfaceId: true },
        where: { interfaceId: In(part) },
        order: { name: 'ASC' },
      }),
    );
    const childEdges = (
      await this.inChunks(ids, (part) =>
        manager.getRepository(InterfaceDependencyEntity).find({ where: { parentId: In(part) } }),
      )
    ).filter((edge) => !inTargets(edge.interfaceId));
    const externalEdges = await dependentJobs(
      manager,
      jobs.map((job) => job.id),
      (job) => inTargets(job.interfaceId),
    );
    const dependents: Dependent[] = [
      ...(await this.children(manager, childEdges, of)),
      ...jobs.map((job) => ({ relation: 'job' as const, ...this.jobRef(job, names), of: of(job.interfaceId) })),
      ...dispatches.map((d) => ({ relation: 'dispatch' as const, id: d.id, name: d.name, of: of(d.interfaceId) })),
      ...(await this.externalJobs(manager, externalEdges, jobs, names)),
    ];
    return { targets, dependents, jobs, dispatches, externalEdges, childEdges };
  }

  private async targets(manager: EntityManager, ids: number[]): Promise<InterfaceEntity[]> {
    const targets = await this.inChunks(ids, (part) =>
      manager.getRepository(InterfaceEntity).find({ where: { id: In(part) } }),
    );
    if (ids.length === 1 && targets.length === 0) throw notFound('interface');
    const missing = ids.filter((id) => !targets.some((target) => target.id === id));
    if (missing.length > 0) throw new ValidationException({ ids: `no such interface: ${missing.join(', ')}` });
    return targets;
  }

  private async children(
    manager: EntityManager,
    edges: { interfaceId: number; parentId: number }[],
    of: (id: number) => Dependent['of'],
  ): Promise<Dependent[]> {
    const childIds = [...new Set(edges.map((edge) => edge.interfaceId))];
    const rows = await this.inChunks(childIds, (part) =>
      manager.getRepository(InterfaceEntity).find({ select: { id: true, name: true }, where: { id: In(part) } }),
    );
    const childNames = new Map(rows.map((row) => [row.id, row.name]));
    return edges.map((edge) => ({
      relation: 'child_interface' as const,
      id: edge.interfaceId,
      name: childNames.get(edge.interfaceId) ?? '',
      of: of(edge.parentId),
    }));
  }

  private async externalJobs(
    manager: EntityManager,
    edges: { jobId: number; prerequisiteId: number }[],
    jobs: Pick<JobEntity, 'id' | 'name' | 'interfaceId'>[],
    names: Map<number, string>,
  ): Promise<Dependent[]> {
    const labels = await jobLabels(
      manager,
      edges.map((edge) => edge.jobId),
    );
    return edges.map((edge) => {
      const label = labels.get(edge.jobId);
      const prerequisite = jobs.find((job) => job.id === edge.prerequisiteId)!;
      return {
        relation: 'dependent_job' as const,
        id: edge.jobId,
        name: label?.name ?? '',
        interfaceId: label?.interfaceId,
        interfaceName: label?.interfaceName,
        of: {
          type: 'job' as const,
          id: prerequisite.id,
          name: `${names.get(prerequisite.interfaceId)} / ${prerequisite.name}`,
        },
      };
    });
  }

  private jobRef(job: Pick<JobEntity, 'id' | 'name' | 'interfaceId'>, names: Map<number, string>) {
    return { id: job.id, name: job.name, interfaceId: job.interfaceId, interfaceName: names.get(job.interfaceId) };
  }

  private async remove(manager: EntityManager, plan: Plan): Promise<void> {
    const ids = plan.targets.map((target) => target.id);
    await removeJobs(
      manager,
      plan.jobs.map((job) => job.id),
    );
    for (const part of chunks(plan.dispatches.map((dispatch) => dispatch.id))) {
      await manager.getRepository(DispatchAlertEntity).delete({ dispatchId: In(part) });
      await manager.getRepository(DispatchEntity).delete({ id: In(part) });
    }
    for (const part of chunks(ids)) {
      await manager.getRepository(InterfaceDependencyEntity).delete({ interfaceId: In(part) });
      await manager.getRepository(InterfaceDependencyEntity).delete({ parentId: In(part) });
      await manager.getRepository(InterfaceEntity).delete({ id: In(part) });
    }
  }

  private async record(manager: EntityManager, plan: Plan, actor: Actor): Promise<void> {
    const base = { actor: actor.principal, ip: actor.ip };
    for (const target of plan.targets) {
      const mine = <T extends { interfaceId: number; name: string }>(rows: T[]) =>
        rows.filter((row) => row.interfaceId === target.id).map((row) => row.name);
      const detail = {
        jobs: mine(plan.jobs),
        dispatches: mine(plan.dispatches),
        childInterfaces: plan.dependents
          .filter((d) => d.relation === 'child_interface' && d.of.id === target.id)
          .map((d) => d.name),
      };
      const entry = { ...base, targetType: 'interface', targetId: target.id, targetName: target.name };
      await this.audit.record({ ...entry, action: 'delete', detail }, manager);
      for (const job of plan.jobs.filter((row) => row.interfaceId === target.id)) {
        const cascade = { cascadeFrom: `interface ${target.name}` };
        await this.audit.record(
          { ...base, action: 'delete', targetType: 'job', targetId: job.id, targetName: job.name, detail: cascade },
          manager,
        );
      }
      for (const dispatch of plan.dispatches.filter((row) => row.interfaceId === target.id)) {
        await this.audit.record(
          {
            ...base,
            action: 'delete',
            targetType: 'dispatch',
            targetId: dispatch.id,
            targetName: dispatch.name,
            detail: { cascadeFrom: `interface ${target.name}` },
          },
          manager,
        );
      }
    }
    await this.recordLostParents(manager, plan, base);
    await auditLostPrerequisites(manager, this.audit, plan.externalEdges, base);
  }

  private async recordLostParents(
    manager: EntityManager,
    plan: Plan,
    base: { actor: Actor['principal']; ip?: string },
  ) {
    const names = new Map(plan.targets.map((target) => [target.id, target.name]));
    const children = new Map<number, { name: string; removed: string[] }>();
    for (const dependent of plan.dependents.filter((d) => d.relation === 'child_interface')) {
      const child = children.get(dependent.id) ?? { name: dependent.name, removed: [] };
      child.removed.push(names.get(dependent.of.id) ?? '');
      children.set(dependent.id, child);
    }
    for (const [id, child] of children) {
      await this.audit.record(
        {
          ...base,
          action: 'update',
          targetType: 'interface',
          targetId: id,
          targetName: child.name,
          detail: { parents: { added: [], removed: child.removed }, cascade: true },
        },
        manager,
      );
    }
  }

  private async inChunks<T>(ids: number[], load: (part: number[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (const part of chunks(ids)) out.push(...(await load(part)));
    return out;
  }
}
