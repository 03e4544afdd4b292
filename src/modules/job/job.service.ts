import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { cycleThrough } from '../../common/graph/graph.js';
import { ValidationException, notFound } from '../../common/http/app.exception.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { changedFields, listChange } from '../interface/definition-rules.js';
import type { Actor } from '../interface/interface.service.js';
import { DEFAULT_EDGE, edgeText } from '../execution/edge-condition.js';
import { cycleException, jobLabelText, jobLabels, loadJobGraph, type JobLabel } from '../interface/mesh-graph.js';
import { chunks, isUniqueViolation, meshTransaction } from '../interface/mesh-write.js';
import {
  JOB_AUDIT_FIELDS,
  checkJobInput,
  type JobInput,
  type JobParamValues,
  type JobValues,
  type PrerequisiteCondition,
} from './job-input.js';
import { JobReferenceChecker } from './job-reference.checker.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from './job.entity.js';

const NAME_TAKEN = 'is already used by another job of this interface';

const paramText = (param: Pick<JobParamValues, 'name' | 'kind' | 'value'>) =>
  `${param.name}=${param.kind}:${param.value}`;

/** Creates, updates, enables and disables jobs, their ordered params and prerequisite edges. */
@Injectable()
export class JobService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly references: JobReferenceChecker,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  async create(input: JobInput, actor: Actor): Promise<JobEntity> {
    const values = await this.check(input, null);
    await this.access.assertInterface(actor.principal, values.interfaceId, 'act');
    return this.saving(() =>
      meshTransaction(this.dataSource, async (manager) => {
        const { params, prerequisiteIds, prerequisiteConditions, ...columns } = values;
        const now = new Date();
        const row = manager.getRepository(JobEntity).create({
          ...columns,
          createdAt: now,
          updatedAt: now,
          updatedBy: actor.principal.username,
        });
        await manager.getRepository(JobEntity).insert(row);
        await this.replaceParams(manager, row.id, params);
        await this.replacePrerequisites(manager, row.id, prerequisiteIds, prerequisiteConditions);
        const labels = await jobLabels(manager, prerequisiteIds);
        const detail = {
          ...columns,
          params: params.map(paramText),
          prerequisites: edgeTexts(prerequisiteIds, prerequisiteConditions, labels),
        };
        await this.audit.record({ ...this.auditBase(actor, row), action: 'create', detail }, manager);
        return row;
      }),
    );
  }

  async update(id: number, input: JobInput, actor: Actor): Promise<JobEntity> {
    await this.access.assertJob(actor.principal, id, 'act');
    const values = await this.check(input, id);
    await this.access.assertInterface(actor.principal, values.interfaceId, 'act');
    return this.saving(() =>
      meshTransaction(this.dataSource, async (manager) => {
        const before = (await manager.getRepository(JobEntity).findOneBy({ id })) ?? this.notFound();
        if (values.prerequisiteIds.length > 0) await this.refuseCycle(manager, id, values.prerequisiteIds);
        const oldParams = await manager
          .getRepository(JobParamEntity)
          .find({ where: { jobId: id }, order: { position: 'ASC' } });
        const oldEdges = await manager.getRepository(JobDependencyEntity).find({ where: { jobId: id } });
        const { params, prerequisiteIds, prerequisiteConditions, ...columns } = values;
        const changes = { ...columns, updatedAt: new Date(), updatedBy: actor.principal.username };
        await manager.getRepository(JobEntity).update({ id }, changes);
        await this.replaceParams(manager, id, params);
        await this.replacePrerequisites(manager, id, prerequisiteIds, prerequisiteConditions);
        const detail = {
          ...changedFields(before, { ...before, ...columns }, JOB_AUDIT_FIELDS),
          ...(await this.edgeChanges(manager, oldEdges, { prerequisiteIds, prerequisiteConditions })),
          ...this.paramChanges(oldParams, params),
        };
        await this.audit.record({ ...this.auditBase(actor, before), action: 'update', detail }, manager);
        return { ...before, ...changes };
      }),
    );
  }

  /** Enables or disables jobs; unknown ids fail the whole call. Returns the ids changed. */
  async setEnabled(ids: number[], enabled: boolean, actor: Actor): Promise<number[]> {
    return meshTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(JobEntity);
      const rows: JobEntity[] = [];
      for (const part of chunks(ids)) {
        rows.push(
          ...(await repository.find({ select: { id: true, name: true, enabled: true }, where: { id: In(part) } })),
        );
      }
      const missing = ids.filter((id) => !rows.some((row) => row.id === id));
      if (ids.length === 1 && missing.length === 1) this.notFound();
      if (missing.length > 0) throw new ValidationException({ ids: `no such job: ${missing.join(', ')}` });
      for (const part of chunks(ids)) {
        await repository.update(
          { id: In(part) },
          { enabled, updatedAt: new Date(), updatedBy: actor.principal.username },
        );
      }
      for (const row of rows) {
        const action = enabled ? 'enable' : 'disable';
        await this.audit.record({ ...this.auditBase(actor, row), action, detail: { was: row.enabled } }, manager);
      }
      return rows.map((row) => row.id);
    });
  }

  notFound(): never {
    throw notFound('job');
  }

  private async check(input: JobInput, id: number | null): Promise<JobValues> {
    const { values, fields } = checkJobInput(input);
    if (id !== null && !(await this.dataSource.getRepository(JobEntity).existsBy({ id }))) this.notFound();
    await this.references.check(values, id, fields);
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    return values;
  }

  private async refuseCycle(manager: EntityManager, id: number, prerequisiteIds: number[]): Promise<void> {
    const cycle = cycleThrough(await loadJobGraph(manager), id, prerequisiteIds);
    if (!cycle) return;
    const labels = await jobLabels(manager, cycle);
    throw cycleException(
      'job',
      cycle.map((node) => (labels.has(node) ? jobLabelText(labels.get(node)!) : `#${node}`)),
      cycle,
    );
  }

  private async replaceParams(manager: EntityManager, id: number, params: JobParamValues[]): Promise<void> {
    const repository = manager.getRepository(JobParamEntity);
    await repository.delete({ jobId: id });
    if (params.length > 0)
      await repository.insert(params.map((param, position) => ({ jobId: id, position, ...param })));
  }

  private async replacePrerequisites(
    manager: EntityManager,
    id: number,
    prerequisiteIds: number[],
    conditions: PrerequisiteCondition[],
  ): Promise<void> {
    const repository = manager.getRepository(JobDependencyEntity);
    await repository.delete({ jobId: id });
    const byId = new Map(conditions.map((item) => [item.prerequisiteId, item]));
    for (const part of chunks(prerequisiteIds)) {
      await repository.insert(
        part.map((prerequisiteId) => {
          const { condition, outputName, outputMatch } = byId.get(prerequisiteId) ?? DEFAULT_EDGE;
          return { jobId: id, prerequisiteId, condition, outputName, outputMatch };
        }),
      );
    }
  }

  private async edgeChanges(
    manager: EntityManager,
    before: JobDependencyEntity[],
    after: Pick<JobValues, 'prerequisiteIds' | 'prerequisiteConditions'>,
  ) {
    const beforeIds = before.map((edge) => edge.prerequisiteId);
    const labels = await jobLabels(manager, [...beforeIds, ...after.prerequisiteIds]);
    const beforeConditions = before.filter((edge) => edge.condition !== 'succeeded');
    const change = listChange(
      edgeTexts(beforeIds, beforeConditions, labels),
      edgeTexts(after.prerequisiteIds, after.prerequisiteConditions, labels),
    );
    return change.added.length + change.removed.length > 0 ? { prerequisites: change } : {};
  }

  private paramChanges(before: JobParamEntity[], after: JobParamValues[]) {
    const from = before.map(paramText);
    const to = after.map(paramText);
    return JSON.stringify(from) === JSON.stringify(to) ? {} : { params: { from, to } };
  }

  private async saving<T>(save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationException({ name: NAME_TAKEN });
      throw error;
    }
  }

  private auditBase(actor: Actor, row: Pick<JobEntity, 'id' | 'name'>) {
    return { actor: actor.principal, targetType: 'job', targetId: row.id, targetName: row.name, ip: actor.ip };
  }
}

/** "iface / job" per edge, with its condition when it is not `succeeded` (audit details). */
function edgeTexts(
  ids: number[],
  conditions: Pick<PrerequisiteCondition, 'prerequisiteId' | 'condition' | 'outputName' | 'outputMatch'>[],
  labels: Map<number, JobLabel>,
): string[] {
  const byId = new Map(conditions.map((item) => [item.prerequisiteId, item]));
  return ids.map((id) => {
    const label = labels.has(id) ? jobLabelText(labels.get(id)!) : `#${id}`;
    const rule = byId.get(id);
    return rule ? `${label} [${edgeText(rule)}]` : label;
  });
}
