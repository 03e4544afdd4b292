import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { can, type Principal } from '../../common/auth/permissions.js';
import { AppException } from '../../common/http/app.exception.js';
import { DispatchEntity } from '../dispatch/dispatch.entity.js';
import { BackfillEntity } from '../backfill/backfill.entity.js';
import { ExecutionEntity } from '../execution/execution.entity.js';
import { JobRunEntity } from '../execution/job-run.entity.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { JobEntity } from '../job/job.entity.js';
import { UserGroupMemberEntity } from '../users/user-group.entity.js';

export type AccessAction = 'view' | 'act';

/** A parameterised SQL condition to AND into a query builder. */
export interface SqlCondition {
  sql: string;
  params: Record<string, number>;
}

/** Who may be checked: the request's principal (only id and role-derived permissions matter). */
export type AccessUser = Pick<Principal, 'userId' | 'permissions'>;

export const isAdmin = (user: AccessUser): boolean => can(user as Principal, 'admin');

/**
 * The interfaces a user may see: shared ones, ones the user owns, ones owned by a group the user
 * belongs to — as a subquery over etl_interface, so it stays one indexed query for any number of
 * interfaces. `null` for admins (no restriction). Parameter names start with `access` to stay clear
 * of the caller's.
 */
export function visibleInterfaceSubquery(user: AccessUser): SqlCondition | null {
  if (isAdmin(user)) return null;
  return {
    sql:
      'SELECT acc_i.id FROM etl_interface acc_i WHERE acc_i.shared = 1 OR acc_i.owner_user_id = :accessUserId' +
      ' OR acc_i.owner_group_id IN (SELECT acc_m.group_id FROM user_group_member acc_m WHERE acc_m.user_id = :accessUserId)',
    params: { accessUserId: user.userId },
  };
}

/** `<column> IN (visible interfaces)`, or null for admins; `column` names an interface id column. */
export function interfaceCondition(user: AccessUser, column: string): SqlCondition | null {
  const subquery = visibleInterfaceSubquery(user);
  return subquery && { sql: `${column} IN (${subquery.sql})`, params: subquery.params };
}

/** The same with `?` placeholders, for the engine's raw SQL. */
export function interfaceConditionPositional(
  user: AccessUser,
  column: string,
): { sql: string; params: number[] } | null {
  if (isAdmin(user)) return null;
  return {
    sql:
      `${column} IN (SELECT acc_i.id FROM etl_interface acc_i WHERE acc_i.shared = 1 OR acc_i.owner_user_id = ?` +
      ' OR acc_i.owner_group_id IN (SELECT acc_m.group_id FROM user_group_member acc_m WHERE acc_m.user_id = ?))',
    params: [user.userId, user.userId],
  };
}

/**
 * Ownership checks for interfaces and everything that belongs to one (jobs, dispatches, executions,
 * runs). Not being allowed to see a thing answers 404 like a missing one, so ids do not leak.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Ids of the interfaces the user may see, or 'all' for admins. */
  async visibleInterfaceIds(user: AccessUser): Promise<number[] | 'all'> {
    const subquery = visibleInterfaceSubquery(user);
    if (!subquery) return 'all';
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('v.id', 'id')
      .from(`(${subquery.sql})`, 'v')
      .setParameters(subquery.params)
      .orderBy('v.id', 'ASC')
      .getRawMany<{ id: number | string }>();
    return rows.map((row) => Number(row.id));
  }

  /** Of these interface ids, the ones the user may see (order kept). */
  async filterVisible(user: AccessUser, interfaceIds: readonly number[]): Promise<Set<number>> {
    if (isAdmin(user)) return new Set(interfaceIds);
    const visible = await this.visibleInterfaceIds(user);
    const allowed = new Set(visible === 'all' ? interfaceIds : visible);
    return new Set(interfaceIds.filter((id) => allowed.has(id)));
  }

  /** Whether the user owns the interface (directly or through a group); admins count as owners. */
  async isOwner(user: AccessUser, row: Pick<InterfaceEntity, 'ownerUserId' | 'ownerGroupId'>): Promise<boolean> {
    if (isAdmin(user) || row.ownerUserId === user.userId) return true;
    if (row.ownerGroupId === null) return false;
    return this.dataSource
      .getRepository(UserGroupMemberEntity)
      .existsBy({ groupId: row.ownerGroupId, userId: user.userId });
  }

  /** NOT_FOUND when the user may not see the interface (or it does not exist); FORBIDDEN to act without a role that acts. */
  async assertInterface(user: AccessUser, interfaceId: number, action: AccessAction): Promise<void> {
    const row = await this.dataSource.getRepository(InterfaceEntity).findOne({
      select: { id: true, shared: true, ownerUserId: true, ownerGroupId: true },
      where: { id: interfaceId },
    });
    if (!row || !(row.shared || (await this.isOwner(user, row)))) {
      throw new AppException('NOT_FOUND', 'interface not found');
    }
    if (action === 'act' && user.permissions.length === 0) {
      throw new AppException('FORBIDDEN', 'your role may view this interface but not change or run it');
    }
  }

  /** Every id must be visible (404 naming the first that is not); batch actions. */
  async assertInterfaces(user: AccessUser, interfaceIds: readonly number[], action: AccessAction): Promise<void> {
    if (isAdmin(user)) return;
    const visible = await this.filterVisible(user, interfaceIds);
    const hidden = interfaceIds.filter((id) => !visible.has(id));
    if (hidden.length > 0) throw new AppException('NOT_FOUND', `interface not found: #${hidden[0]}`);
    if (action === 'act' && user.permissions.length === 0) {
      throw new AppException('FORBIDDEN', 'your role may view these interfaces but not change or run them');
    }
  }

  /**
   * References to things in interfaces the user may not see keep their id but lose their name
   * ("hidden job #12"), so a graph or list still shows that something is there without leaking it.
   */
  async maskNames<T extends { name: string }>(
    user: AccessUser,
    refs: readonly T[],
    interfaceOf: (ref: T) => number,
    label: (ref: T) => string,
  ): Promise<(T & { hidden: boolean })[]> {
    if (isAdmin(user)) return refs.map((ref) => ({ ...ref, hidden: false }));
    const visible = await this.filterVisible(user, [...new Set(refs.map(interfaceOf))]);
    return refs.map((ref) =>
      visible.has(interfaceOf(ref)) ? { ...ref, hidden: false } : { ...ref, name: label(ref), hidden: true },
    );
  }

  /** Batch actions on jobs: every job must be in a visible interface. */
  async assertJobs(user: AccessUser, jobIds: readonly number[], action: AccessAction): Promise<void> {
    if (jobIds.length === 0) return;
    const jobs = await this.dataSource
      .getRepository(JobEntity)
      .find({ select: { id: true, interfaceId: true }, where: { id: In([...jobIds]) } });
    const missing = jobIds.find((id) => !jobs.some((job) => job.id === id));
    if (missing !== undefined) throw new AppException('NOT_FOUND', `job not found: #${missing}`);
    try {
      await this.assertInterfaces(user, [...new Set(jobs.map((job) => job.interfaceId))], action);
    } catch (error) {
      if (error instanceof AppException && error.code === 'NOT_FOUND')
        throw new AppException('NOT_FOUND', 'job not found');
      throw error;
    }
  }

  /** Job labels (prerequisites, dependents) in interfaces the user may not see become "hidden job #id". */
  async maskJobs<T extends { id: number; name: string; interfaceId: number; interfaceName: string }>(
    user: AccessUser,
    labels: readonly T[],
  ): Promise<(T & { hidden: boolean })[]> {
    const masked = await this.maskNames(
      user,
      labels,
      (label) => label.interfaceId,
      (label) => `hidden job #${label.id}`,
    );
    return masked.map((label) => (label.hidden ? { ...label, interfaceName: '' } : label));
  }

  /** The interface of each run (as snapshotted), for masking lists of runs. */
  async runInterfaces(runIds: readonly number[]): Promise<Map<number, number>> {
    if (runIds.length === 0) return new Map();
    const runs = await this.dataSource
      .getRepository(JobRunEntity)
      .find({ select: { id: true, interfaceId: true }, where: { id: In([...runIds]) } });
    return new Map(runs.map((run) => [run.id, run.interfaceId]));
  }

  async assertJob(user: AccessUser, jobId: number, action: AccessAction): Promise<void> {
    const job = await this.dataSource
      .getRepository(JobEntity)
      .findOne({ select: { id: true, interfaceId: true }, where: { id: jobId } });
    await this.assertVia(user, job?.interfaceId, 'job', action);
  }

  async assertDispatch(user: AccessUser, dispatchId: number, action: AccessAction): Promise<void> {
    const dispatch = await this.dataSource
      .getRepository(DispatchEntity)
      .findOne({ select: { id: true, interfaceId: true }, where: { id: dispatchId } });
    await this.assertVia(user, dispatch?.interfaceId, 'dispatch', action);
  }

  /** An execution belongs to the interface it was started for. */
  async assertExecution(user: AccessUser, executionId: number, action: AccessAction): Promise<void> {
    const execution = await this.dataSource
      .getRepository(ExecutionEntity)
      .findOne({ select: { id: true, interfaceId: true }, where: { id: executionId } });
    await this.assertVia(user, execution?.interfaceId, 'execution', action);
  }

  /** A run belongs to the interface of its job (as snapshotted). */
  async assertRun(user: AccessUser, runId: number, action: AccessAction): Promise<void> {
    const run = await this.dataSource
      .getRepository(JobRunEntity)
      .findOne({ select: { id: true, interfaceId: true }, where: { id: runId } });
    await this.assertVia(user, run?.interfaceId, 'run', action);
  }

  /** A backfill belongs to its dispatch's interface. */
  async assertBackfill(user: AccessUser, backfillId: number, action: AccessAction): Promise<void> {
    const backfill = await this.dataSource
      .getRepository(BackfillEntity)
      .findOne({ select: { id: true, interfaceId: true }, where: { id: backfillId } });
    await this.assertVia(user, backfill?.interfaceId, 'backfill', action);
  }

  private async assertVia(
    user: AccessUser,
    interfaceId: number | undefined,
    what: string,
    action: AccessAction,
  ): Promise<void> {
    if (interfaceId === undefined) throw new AppException('NOT_FOUND', `${what} not found`);
    try {
      await this.assertInterface(user, interfaceId, action);
    } catch (error) {
      if (error instanceof AppException && error.code === 'NOT_FOUND') {
        throw new AppException('NOT_FOUND', `${what} not found`);
      }
      throw error;
    }
  }
}
