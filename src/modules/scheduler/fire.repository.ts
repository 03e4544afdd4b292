import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { DispatchEntity, type MisfirePolicy, type OverlapPolicy } from '../dispatch/dispatch.entity.js';
import { DispatchFireEntity, type FireOutcome, type FireTrigger } from './dispatch-fire.entity.js';
import { dataDateFor } from './schedule-plan.js';

/** What the scheduler needs of an enabled dispatch to keep its timer. */
export interface ScheduledDispatch {
  id: number;
  cron: string;
  timezone: string;
  dataDateOffsetDays: number;
  misfirePolicy: MisfirePolicy;
  lastFireAt: Date | null;
}

export interface FireClaimRequest {
  dispatch: Pick<ScheduledDispatch, 'id' | 'cron' | 'timezone' | 'dataDateOffsetDays'>;
  scheduledAt: Date;
  trigger: FireTrigger;
  instance: string;
}

export type FireClaim =
  | { status: 'claimed'; fireId: number; dataDate: string; overlapPolicy: OverlapPolicy }
  /** Already fired (by this or another instance). */
  | { status: 'duplicate' }
  /** Paused, deleted, or its schedule changed since the timer was set. */
  | { status: 'stale' };

export interface FireResultPatch {
  outcome: Exclude<FireOutcome, 'pending'>;
  latencyMs?: number;
  executionId?: number;
  error?: string;
}

/** Thrown inside the claim transaction to roll the fire row back. */
class StaleFire extends Error {}

function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}

/** The scheduler's SQL: dispatch definitions it reads and the dispatch_fire rows it writes. */
@Injectable()
export class FireRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Changes whenever a dispatch is added, edited, paused, resumed or deleted (one cheap aggregate). */
  async changeMarker(): Promise<string> {
    const rows: Array<Record<string, string | number | null>> = await this.dataSource.query(
      'SELECT COUNT(*) AS n, MAX(id) AS i, MAX(updated_at) AS u, SUM(enabled) AS e FROM dispatch',
    );
    const row = rows[0] ?? {};
    // mysql2 answers some aggregates as strings, SQLite as numbers: compare them as numbers.
    return ['n', 'i', 'u', 'e'].map((column) => Number(row[column] ?? 0)).join(':');
  }

  async enabledDispatches(): Promise<ScheduledDispatch[]> {
    const rows = await this.dataSource.getRepository(DispatchEntity).find({
      select: { id: true, cron: true, timezone: true, dataDateOffsetDays: true, misfirePolicy: true, lastFireAt: true },
      where: { enabled: true },
      order: { id: 'ASC' },
    });
    return rows.map(({ id, cron, timezone, dataDateOffsetDays, misfirePolicy, lastFireAt }) => ({
      id,
      cron,
      timezone,
      dataDateOffsetDays,
      misfirePolicy,
      lastFireAt,
    }));
  }

  /**
   * Records the fire once, in one transaction: inserts the dispatch_fire row (the unique key refuses
   * a second one), re-reads the dispatch so that a pause or an edit the timers have not seen yet
   * still wins (rolling the insert back), and moves dispatch.last_fire_at forward. The insert comes
   * first so that SQLite takes its write lock before reading (a read-then-write transaction in WAL
   * mode fails with "database is locked" instead of waiting when another process wrote meanwhile).
   */
  async claim(request: FireClaimRequest): Promise<FireClaim> {
    try {
      return await this.dataSource.transaction((manager) => this.claimIn(manager, request));
    } catch (error) {
      if (error instanceof StaleFire) return { status: 'stale' };
      throw error;
    }
  }

  private async claimIn(manager: EntityManager, request: FireClaimRequest): Promise<FireClaim> {
    const { dispatch, scheduledAt } = request;
    const dataDate = dataDateFor(scheduledAt, dispatch.timezone, dispatch.dataDateOffsetDays);
    const fireId = await this.insertFire(manager, request, dataDate);
    if (fireId === null) return { status: 'duplicate' };
    const current = await manager.getRepository(DispatchEntity).findOneBy({ id: dispatch.id });
    if (current === null || !current.enabled) throw new StaleFire();
    if (current.cron !== dispatch.cron || current.timezone !== dispatch.timezone) throw new StaleFire();
    const currentDataDate = dataDateFor(scheduledAt, current.timezone, current.dataDateOffsetDays);
    if (currentDataDate !== dataDate) {
      await manager.update(DispatchFireEntity, { id: fireId }, { dataDate: currentDataDate });
    }
    await manager
      .createQueryBuilder()
      .update(DispatchEntity)
      .set({ lastFireAt: scheduledAt })
      .where('id = :id', { id: dispatch.id })
      .andWhere('(last_fire_at IS NULL OR last_fire_at < :at)', { at: scheduledAt.getTime() })
      .execute();
    return { status: 'claimed', fireId, dataDate: currentDataDate, overlapPolicy: current.overlapPolicy };
  }

  private async insertFire(manager: EntityManager, request: FireClaimRequest, dataDate: string) {
    try {
      const result = await manager.insert(DispatchFireEntity, {
        dispatchId: request.dispatch.id,
        scheduledAt: request.scheduledAt,
        trigger: request.trigger,
        outcome: 'pending',
        dataDate,
        instance: request.instance.slice(0, 128),
        firedAt: new Date(),
        latencyMs: null,
        executionId: null,
        error: '',
      });
      return Number((result.identifiers[0] as { id: number | string }).id);
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  async finish(fireId: number, patch: FireResultPatch): Promise<void> {
    await this.dataSource.getRepository(DispatchFireEntity).update(
      { id: fireId },
      {
        outcome: patch.outcome,
        latencyMs: patch.latencyMs ?? null,
        executionId: patch.executionId ?? null,
        error: (patch.error ?? '').slice(0, 1000),
      },
    );
  }

  /**
   * Fires claimed but never handed to the engine (the instance died in between), oldest first:
   * scheduled since `since`, claimed before `claimedBefore`.
   */
  pendingFires(since: Date, claimedBefore: Date): Promise<DispatchFireEntity[]> {
    return this.dataSource
      .getRepository(DispatchFireEntity)
      .createQueryBuilder('f')
      .where('f.outcome = :pending', { pending: 'pending' })
      .andWhere('f.scheduledAt >= :since', { since: since.getTime() })
      .andWhere('f.firedAt < :claimedBefore', { claimedBefore: claimedBefore.getTime() })
      .orderBy('f.scheduledAt', 'ASC')
      .getMany();
  }

  /** Re-reads a pending fire's dispatch for a retry of its start; null when it no longer applies. */
  async pendingFireContext(fire: DispatchFireEntity): Promise<{ overlapPolicy: OverlapPolicy } | null> {
    const row = await this.dataSource.getRepository(DispatchFireEntity).findOneBy({ id: fire.id });
    if (row === null || row.outcome !== 'pending') return null;
    const dispatch = await this.dataSource.getRepository(DispatchEntity).findOneBy({ id: fire.dispatchId });
    return dispatch === null || !dispatch.enabled ? null : { overlapPolicy: dispatch.overlapPolicy };
  }
}
