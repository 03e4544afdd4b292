import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { LeaseKeeper } from '../../infra/lock/lease-keeper.js';
import { SchedulerLock } from '../../infra/lock/scheduler-lock.js';
import type { OverlapPolicy } from '../dispatch/dispatch.entity.js';
import { ExecutionStarter } from '../execution/execution-starter.js';
import type { DispatchFireEntity, FireTrigger } from './dispatch-fire.entity.js';
import {
  FireRepository,
  type FireClaim,
  type FireClaimRequest,
  type FireResultPatch,
  type ScheduledDispatch,
} from './fire.repository.js';
import { fireLockKey } from './schedule-plan.js';

/** What became of one fire attempt on this instance. */
export type FireResult = 'started' | 'skipped' | 'failed' | 'duplicate' | 'stale' | 'held' | 'busy';

interface ClaimedFire {
  fireId: number;
  dispatchId: number;
  scheduledAt: Date;
  trigger: FireTrigger;
  dataDate: string;
  overlapPolicy: OverlapPolicy;
}

const LOCK_WARNING_INTERVAL_MS = 60_000;
const CLAIM_ATTEMPTS = 3;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Fires one (dispatch, scheduledAt) at most once across all portal instances: takes the lock for
 * the fire, records it in dispatch_fire (whose unique key is the final guard), then hands it to the
 * engine through ExecutionStarter, which is itself idempotent on (dispatchId, scheduledAt).
 */
@Injectable()
export class FireService {
  private readonly logger = new Logger(FireService.name);
  private starter?: ExecutionStarter;
  /** Fires being handled by this instance, by lock key. */
  private readonly inFlight = new Set<string>();
  private lockWarnedAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly lock: SchedulerLock,
    private readonly repository: FireRepository,
  ) {}

  /** The engine to hand fires to (resolved by SchedulerService at start-up). */
  useStarter(starter: ExecutionStarter): void {
    this.starter = starter;
  }

  get hasStarter(): boolean {
    return this.starter !== undefined;
  }

  get lockDriver(): string {
    return this.lock.driver;
  }

  async fire(dispatch: ScheduledDispatch, scheduledAt: Date, trigger: FireTrigger): Promise<FireResult> {
    const key = fireLockKey(dispatch.id, scheduledAt);
    if (this.inFlight.has(key)) return 'busy';
    this.inFlight.add(key);
    try {
      const keeper = await this.lockFire(key);
      if (keeper === 'held') return 'held';
      try {
        const claim = await this.claim({ dispatch, scheduledAt, trigger, instance: this.lock.owner });
        if (claim.status !== 'claimed') return claim.status;
        return await this.start({ ...claim, dispatchId: dispatch.id, scheduledAt, trigger });
      } finally {
        await keeper?.release();
      }
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Claims with a few quick retries: a transient database error must not lose the fire. */
  private async claim(request: FireClaimRequest): Promise<FireClaim> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repository.claim(request);
      } catch (error) {
        if (attempt >= CLAIM_ATTEMPTS) throw error;
        this.logger.warn(`dispatch ${request.dispatch.id}: claim attempt ${attempt} failed: ${message(error)}`);
        await sleep(50 * attempt);
      }
    }
  }

  /**
   * Hands fires that were claimed but never started (their instance died in between) to the engine,
   * when no live instance holds their lock. Safe because start is idempotent. `claimedBefore`
   * leaves alone fires another instance may still be handling.
   */
  async recoverPending(since: Date, claimedBefore = new Date()): Promise<number> {
    let recovered = 0;
    for (const fire of await this.repository.pendingFires(since, claimedBefore)) {
      if (await this.retryPending(fire)) recovered++;
    }
    return recovered;
  }

  private async retryPending(fire: DispatchFireEntity): Promise<boolean> {
    const key = fireLockKey(fire.dispatchId, fire.scheduledAt);
    if (this.inFlight.has(key)) return false;
    this.inFlight.add(key);
    try {
      const keeper = await this.lockFire(key);
      if (keeper === 'held') return false;
      try {
        const context = await this.repository.pendingFireContext(fire);
        if (context === null) return false;
        this.logger.warn(`dispatch ${fire.dispatchId}: starting fire ${fire.scheduledAt.toISOString()} left pending`);
        await this.start({ ...fire, fireId: fire.id, overlapPolicy: context.overlapPolicy });
        return true;
      } finally {
        await keeper?.release();
      }
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** The fire's lease (renewed while held), null to go on without one, or 'held' by another owner. */
  private async lockFire(key: string): Promise<LeaseKeeper | null | 'held'> {
    const leaseMs = this.config.values.lock.leaseMs;
    try {
      const lease = await this.lock.acquire(key, leaseMs);
      if (lease === null) return 'held';
      return new LeaseKeeper(lease, leaseMs, (reason) => this.logger.warn(`lock ${key}: ${reason}`));
    } catch (error) {
      // The dispatch_fire unique key still makes the fire exactly-once; the lock only spares work.
      if (Date.now() - this.lockWarnedAt > LOCK_WARNING_INTERVAL_MS) {
        this.lockWarnedAt = Date.now();
        this.logger.warn(
          `${this.lock.driver} lock unavailable, firing under the database guard only: ${message(error)}`,
        );
      }
      return null;
    }
  }

  private async start(fire: ClaimedFire): Promise<FireResult> {
    const label = `dispatch ${fire.dispatchId} fire ${fire.scheduledAt.toISOString()}`;
    const patch = await this.callStarter(fire, label);
    // When this write fails the fire stays pending and the next start-up hands it over again.
    await this.repository
      .finish(fire.fireId, patch)
      .catch((error: unknown) => this.logger.error(`${label}: cannot record ${patch.outcome}: ${message(error)}`));
    return patch.outcome;
  }

  private async callStarter(fire: ClaimedFire, label: string): Promise<FireResultPatch> {
    try {
      const starter = this.starter;
      if (starter === undefined) throw new Error('no execution engine (ExecutionStarter) in this portal');
      if (fire.overlapPolicy === 'skip' && (await starter.hasActiveExecution(fire.dispatchId))) {
        this.logger.log(`${label}: skipped, an execution of this dispatch is still active (overlap policy skip)`);
        return { outcome: 'skipped' };
      }
      const latencyMs = Date.now() - fire.scheduledAt.getTime();
      const result = await starter.start({
        dispatchId: fire.dispatchId,
        scheduledAt: fire.scheduledAt,
        dataDate: fire.dataDate,
        trigger: fire.trigger,
        actor: 'scheduler',
      });
      this.logger.debug(`${label}: execution ${result.executionId} (${fire.trigger}, ${latencyMs} ms after its time)`);
      return { outcome: 'started', latencyMs, executionId: result.executionId };
    } catch (error) {
      this.logger.error(`${label}: ${message(error)}`);
      return { outcome: 'failed', error: message(error) };
    }
  }
}
