import { In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { DispatchAlertEntity, DispatchEntity } from '../dispatch/dispatch.entity.js';
import { removeJobs } from '../interface/dependents.js';
import { InterfaceDependencyEntity, InterfaceEntity } from '../interface/interface.entity.js';
import { chunks } from '../interface/mesh-write.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../job/job.entity.js';
import type { FileDispatch, FileInterface, FileJob } from './definitions-format.js';
import type { DefinitionsSnapshot } from './definitions-snapshot.js';
import { jobMapKey, type ObjectType } from './import-model.js';
import type { ImportPlan, Planned } from './plan-context.js';

const changed = <E, A>(item: Planned<E, A>) => item.row.action === 'create' || item.row.action === 'update';

/** One object written, for the audit log. */
export interface WrittenObject {
  type: ObjectType;
  id: number;
  name: string;
  action: 'create' | 'update' | 'delete';
  detail: unknown;
}

/**
 * Writes a checked plan with the caller's transaction manager: deletes, then interfaces, jobs and
 * dispatches (creates get their ids first, so edges can then point at them), then the edges.
 */
export class ImportWriter {
  private readonly interfaceIds = new Map<string, number>();
  private readonly jobIds = new Map<string, number>();
  private readonly now = new Date();
  /** What was written, in order. */
  readonly written: WrittenObject[] = [];

  constructor(
    private readonly manager: EntityManager,
    private readonly snapshot: DefinitionsSnapshot,
    private readonly username: string,
    /** Owner columns per interface name (see access/import-owners.ts). */
    private readonly owners: ReadonlyMap<string, Partial<InterfaceEntity>> = new Map(),
  ) {
    for (const row of snapshot.interfaces) this.interfaceIds.set(row.name, row.id);
    for (const [key, job] of snapshot.jobByKey) this.jobIds.set(key, job.id);
  }

  async write(plan: ImportPlan): Promise<void> {
    await this.deleteObjects(plan);
    const interfaces = plan.interfaces.filter(changed);
    for (const item of interfaces) {
      await this.saveInterface(item.after, item.existing);
      this.log(item, 'interface', this.interfaceIds.get(item.after.name)!, item.after.name);
    }
    await this.replaceParents(interfaces);
    const jobs = plan.jobs.filter(changed);
    for (const item of jobs) {
      await this.saveJob(item.after, item.existing);
      this.log(item, 'job', this.jobIds.get(jobMapKey(item.after.interface, item.after.name))!, item.row.key);
    }
    await this.replaceParamsAndPrerequisites(jobs);
    for (const item of plan.dispatches.filter(changed)) {
      this.log(item, 'dispatch', await this.saveDispatch(item.after, item.existing), item.after.name);
    }
  }

  private log<E, A>(item: Planned<E, A>, type: ObjectType, id: number, name: string): void {
    const action = item.row.action === 'create' ? 'create' : 'update';
    this.written.push({ type, id, name, action, detail: action === 'create' ? item.after : item.row.changes });
  }

  private async deleteObjects(plan: ImportPlan): Promise<void> {
    const { jobs, dispatches } = plan.deletions;
    for (const { dispatch } of dispatches) {
      this.written.push({ type: 'dispatch', id: dispatch.id, name: dispatch.name, action: 'delete', detail: null });
    }
    for (const { job, row } of jobs) {
      this.written.push({ type: 'job', id: job.id, name: row.key, action: 'delete', detail: null });
    }
    await this.deleteDispatches(dispatches.map((item) => item.dispatch.id));
    await removeJobs(
      this.manager,
      jobs.map((item) => item.job.id),
    );
  }

  private stamp() {
    return { updatedAt: this.now, updatedBy: this.username };
  }

  private async deleteDispatches(ids: number[]): Promise<void> {
    for (const part of chunks(ids)) {
      await this.manager.getRepository(DispatchAlertEntity).delete({ dispatchId: In(part) });
      await this.manager.getRepository(DispatchEntity).delete({ id: In(part) });
    }
  }

  private async saveInterface(after: FileInterface, existing: InterfaceEntity | undefined): Promise<void> {
    const repository = this.manager.getRepository(InterfaceEntity);
    const { parents: _parents, dataDateWatermark, ...columns } = after;
    const owner = this.owners.get(after.name) ?? {};
    if (existing) {
      await repository.update({ id: existing.id }, { ...columns, ...owner, ...this.stamp() });
      return;
    }
    const row = repository.create({ ...columns, ...owner, dataDateWatermark, createdAt: this.now, ...this.stamp() });
    await repository.insert(row);
    this.interfaceIds.set(after.name, row.id);
  }

  /** Removes the old edges of updated objects (created ones have none), then inserts all new rows in chunks. */
  private async replaceRows<T extends object>(
    entity: new () => T,
    key: keyof T & string,
    updatedIds: number[],
    rows: T[],
  ): Promise<void> {
    const repository = this.manager.getRepository(entity);
    for (const part of chunks(updatedIds)) await repository.delete({ [key]: In(part) } as FindOptionsWhere<T>);
    for (const part of chunks(rows)) await repository.insert(part);
  }

  private async replaceParents(interfaces: Planned<InterfaceEntity, FileInterface>[]): Promise<void> {
    const edges = interfaces.flatMap(({ after }) =>
      after.parents.map((parent) => ({
        interfaceId: this.interfaceIds.get(after.name)!,
        parentId: this.interfaceIds.get(parent)!,
      })),
    );
    const updated = interfaces.flatMap((item) => (item.existing ? [item.existing.id] : []));
    await this.replaceRows(InterfaceDependencyEntity, 'interfaceId', updated, edges);
  }

  private async saveJob(after: FileJob, existing: JobEntity | undefined): Promise<void> {
    const repository = this.manager.getRepository(JobEntity);
    const { interface: owner, execHost, params: _params, prerequisites: _prerequisites, ...columns } = after;
    const values = {
      ...columns,
      interfaceId: this.interfaceIds.get(owner)!,
      execHostId: execHost === null ? null : this.snapshot.hostByName.get(execHost)!.id,
      ...this.stamp(),
    };
    if (existing) {
      await repository.update({ id: existing.id }, values);
      return;
    }
    const row = repository.create({ ...values, createdAt: this.now });
    await repository.insert(row);
    this.jobIds.set(jobMapKey(owner, after.name), row.id);
  }

  private async replaceParamsAndPrerequisites(jobs: Planned<JobEntity, FileJob>[]): Promise<void> {
    const idOf = (interfaceName: string, jobName: string) => this.jobIds.get(jobMapKey(interfaceName, jobName))!;
    const params = jobs.flatMap(({ after }) =>
      after.params.map((param, position) => ({ jobId: idOf(after.interface, after.name), position, ...param })),
    );
    const edges = jobs.flatMap(({ after }) =>
      after.prerequisites.map((reference) => ({
        jobId: idOf(after.interface, after.name),
        prerequisiteId: idOf(reference.interface, reference.job),
        condition: reference.condition ?? 'succeeded',
        outputName: reference.outputName ?? '',
        outputMatch: reference.outputMatch ?? '',
      })),
    );
    const updated = jobs.flatMap((item) => (item.existing ? [item.existing.id] : []));
    await this.replaceRows(JobParamEntity, 'jobId', updated, params);
    await this.replaceRows(JobDependencyEntity, 'jobId', updated, edges);
  }

  private async saveDispatch(after: FileDispatch, existing: DispatchEntity | undefined): Promise<number> {
    const repository = this.manager.getRepository(DispatchEntity);
    const { interface: owner, alerts, ...columns } = after;
    const values = { ...columns, interfaceId: this.interfaceIds.get(owner)!, ...this.stamp() };
    let id: number;
    if (existing) {
      // as in the dispatch form: a new schedule, or a resume, does not recover the fires it skipped
      const rescheduled = existing.cron !== after.cron || existing.timezone !== after.timezone;
      const resumed = after.enabled && !existing.enabled;
      await repository.update(
        { id: existing.id },
        { ...values, ...(rescheduled || resumed ? { lastFireAt: this.now } : {}) },
      );
      id = existing.id;
    } else {
      const row = repository.create({ ...values, lastFireAt: null, createdAt: this.now });
      await repository.insert(row);
      id = row.id;
    }
    const rules = this.manager.getRepository(DispatchAlertEntity);
    await rules.delete({ dispatchId: id });
    const rows = alerts.map((alert) => ({
      dispatchId: id,
      event: alert.event,
      channelId: this.snapshot.channelByName.get(alert.channel)!.id,
      recipients: alert.recipients,
      enabled: alert.enabled,
    }));
    if (rows.length > 0) await rules.insert(rows);
    return id;
  }
}
