import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../../config/app-config.js';
import { parseCron, type CronSchedule } from '../../infra/cron/cron-schedule.js';
import { ExecutionStarter } from '../execution/execution-starter.js';
import type { FireTrigger } from './dispatch-fire.entity.js';
import { FireRepository, type ScheduledDispatch } from './fire.repository.js';
import { FireService } from './fire.service.js';
import { nextFireAfter, planMisfires, timerDelay } from './schedule-plan.js';

/** How often every instance looks for dispatch changes made elsewhere. */
export const SYNC_INTERVAL_MS = 1000;
const SYNC_NAME = 'scheduler:sync';
/** A timer this late (suspended process, stalled event loop) hands its backlog to the misfire policy. */
const LATE_LIMIT_MS = 10_000;
const SHUTDOWN_WAIT_MS = 10_000;

interface DispatchTimer {
  dispatch: ScheduledDispatch;
  schedule: CronSchedule;
  /** Fire times up to here are handled; the timer waits for the first one strictly after. */
  cursor: Date;
}

const timerName = (dispatchId: number) => `dispatch:${dispatchId}`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Keeps one timer per enabled dispatch in @nestjs/schedule's registry, computed by the cron library
 * the dispatch preview uses. Every instance polls a cheap change marker and resyncs its timers, so
 * adding, editing, pausing or deleting a dispatch takes effect everywhere without a restart. On start
 * it runs the fires missed since each dispatch's last_fire_at by its misfire policy.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private readonly timers = new Map<number, DispatchTimer>();
  private readonly work = new Set<Promise<unknown>>();
  /** Invalid definitions already reported, by dispatch id. */
  private readonly reported = new Map<number, string>();
  private running = false;
  private marker = '';
  private reloads: Promise<void> = Promise.resolve();
  private reloadQueued = false;
  private pollFailing = false;
  private recoveredAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly fires: FireService,
    private readonly repository: FireRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.values.schedule.enabled) {
      this.logger.log('scheduler off in this instance (schedule.enabled=false)');
      return;
    }
    if (!this.resolveStarter()) return;
    await this.startScheduling();
  }

  /**
   * Re-reads the dispatches now instead of at the next poll (call it after changing one). Never
   * rejects: a failure is logged and the next poll tries again.
   */
  resync(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.reloadQueued = true;
    const run = this.reloads.then(() => {
      this.reloadQueued = false;
      return this.reload();
    });
    this.reloads = run.catch((error: unknown) => this.logger.error(`resync failed: ${message(error)}`));
    return this.reloads;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.registry.doesExist('interval', SYNC_NAME)) this.registry.deleteInterval(SYNC_NAME);
    for (const id of [...this.timers.keys()]) this.removeTimer(id);
    // Fires already claimed finish (their dispatch_fire row would otherwise wait for the next start).
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.work]),
      new Promise((resolve) => (waited = setTimeout(resolve, SHUTDOWN_WAIT_MS))),
    ]);
    clearTimeout(waited);
  }

  private resolveStarter(): boolean {
    if (this.fires.hasStarter) return true;
    try {
      this.fires.useStarter(this.moduleRef.get(ExecutionStarter, { strict: false }));
      return true;
    } catch {
      this.logger.error('no ExecutionStarter provider (execution engine) in this portal: the scheduler does not run');
      return false;
    }
  }

  private async startScheduling(): Promise<void> {
    const now = new Date();
    this.marker = await this.repository.changeMarker();
    const dispatches = await this.repository.enabledDispatches();
    this.running = true;
    for (const dispatch of dispatches) this.addTimer(dispatch, now);
    this.track(this.recover(now));
    this.registry.addInterval(
      SYNC_NAME,
      setInterval(() => this.poll(), SYNC_INTERVAL_MS),
    );
    this.logger.log(
      `scheduler started: ${this.timers.size} dispatches, ${this.fires.lockDriver} lock, ` +
        `misfire grace ${this.config.values.schedule.misfireGraceSeconds} s`,
    );
  }

  /** Fires left pending by a dead instance, then each dispatch's missed fires by its policy. */
  private async recover(now: Date): Promise<void> {
    const graceMs = this.config.values.schedule.misfireGraceSeconds * 1000;
    this.recoveredAt = now.getTime();
    const pending = await this.fires.recoverPending(new Date(now.getTime() - graceMs));
    const counts = await Promise.all(
      [...this.timers.values()].map(async (timer) => {
        const { misfirePolicy, lastFireAt } = timer.dispatch;
        const missed = planMisfires(timer.schedule, misfirePolicy, lastFireAt, now, graceMs);
        await this.fireAll(timer, missed, 'misfire');
        return missed.length;
      }),
    );
    const misfires = counts.reduce((sum, count) => sum + count, 0);
    if (pending + misfires > 0) {
      this.logger.log(`recovered ${misfires} missed fires and ${pending} fires left pending`);
    }
  }

  private async fireAll(timer: DispatchTimer, times: Date[], trigger: FireTrigger): Promise<void> {
    for (const scheduledAt of times) await this.fires.fire(timer.dispatch, scheduledAt, trigger);
  }

  private addTimer(dispatch: ScheduledDispatch, now: Date): void {
    const parsed = parseCron(dispatch.cron, dispatch.timezone);
    if (!parsed.ok) {
      const definition = `${dispatch.cron}|${dispatch.timezone}`;
      if (this.reported.get(dispatch.id) !== definition) {
        this.reported.set(dispatch.id, definition);
        this.logger.error(`dispatch ${dispatch.id}: not scheduled, ${parsed.field} ${parsed.error}`);
      }
      return;
    }
    const timer: DispatchTimer = { dispatch, schedule: parsed.schedule, cursor: now };
    this.timers.set(dispatch.id, timer);
    this.arm(timer);
  }

  private removeTimer(dispatchId: number): void {
    this.timers.delete(dispatchId);
    const name = timerName(dispatchId);
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
  }

  private arm(timer: DispatchTimer): void {
    const due = nextFireAfter(timer.schedule, timer.cursor);
    if (due === null) {
      this.logger.log(`dispatch ${timer.dispatch.id}: its schedule has no more fire times`);
      return;
    }
    this.setTimer(timer, due);
  }

  private setTimer(timer: DispatchTimer, due: Date): void {
    const name = timerName(timer.dispatch.id);
    const handle = setTimeout(() => this.onTimer(timer, due), timerDelay(due, Date.now()));
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
    this.registry.addTimeout(name, handle);
  }

  private onTimer(timer: DispatchTimer, due: Date): void {
    if (!this.running || this.timers.get(timer.dispatch.id) !== timer) return;
    const now = Date.now();
    // Timers may wake a little early, and far fires are reached in steps of setTimeout's limit.
    if (now < due.getTime()) return this.setTimer(timer, due);
    if (now - due.getTime() > LATE_LIMIT_MS) return this.catchUp(timer, due, now);
    timer.cursor = due;
    this.arm(timer);
    this.track(this.fires.fire(timer.dispatch, due, 'schedule'));
  }

  private catchUp(timer: DispatchTimer, due: Date, now: number): void {
    const graceMs = this.config.values.schedule.misfireGraceSeconds * 1000;
    const { id, misfirePolicy } = timer.dispatch;
    const missed = planMisfires(timer.schedule, misfirePolicy, new Date(due.getTime() - 1), new Date(now), graceMs);
    this.logger.warn(
      `dispatch ${id}: timer woke ${now - due.getTime()} ms late; running ${missed.length} missed fires`,
    );
    timer.cursor = new Date(now);
    this.arm(timer);
    this.track(this.fireAll(timer, missed, 'misfire'));
  }

  private poll(): void {
    if (!this.running) return;
    const leaseMs = this.config.values.lock.leaseMs;
    if (Date.now() - this.recoveredAt >= leaseMs) {
      // A fire claimed by an instance that died mid-way: its lease has lapsed by now.
      this.recoveredAt = Date.now();
      const graceMs = this.config.values.schedule.misfireGraceSeconds * 1000;
      this.track(this.fires.recoverPending(new Date(Date.now() - graceMs), new Date(Date.now() - leaseMs)));
    }
    if (!this.reloadQueued) this.track(this.checkMarker());
  }

  private async checkMarker(): Promise<void> {
    try {
      const marker = await this.repository.changeMarker();
      if (this.pollFailing) this.logger.log('dispatch changes are visible again');
      this.pollFailing = false;
      if (marker !== this.marker) await this.resync();
    } catch (error) {
      if (!this.pollFailing) this.logger.error(`cannot check dispatch changes: ${message(error)}`);
      this.pollFailing = true;
    }
  }

  private async reload(): Promise<void> {
    const marker = await this.repository.changeMarker();
    const dispatches = await this.repository.enabledDispatches();
    if (!this.running) return;
    this.marker = marker;
    const now = new Date();
    const seen = new Set<number>();
    for (const dispatch of dispatches) {
      seen.add(dispatch.id);
      const timer = this.timers.get(dispatch.id);
      if (timer?.dispatch.cron === dispatch.cron && timer.dispatch.timezone === dispatch.timezone) {
        timer.dispatch = dispatch;
        continue;
      }
      if (timer !== undefined) this.removeTimer(dispatch.id);
      this.addTimer(dispatch, now);
    }
    for (const id of [...this.timers.keys()]) {
      if (!seen.has(id)) this.removeTimer(id);
    }
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.logger.error(message(error)));
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }
}
