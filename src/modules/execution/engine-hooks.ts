import { Injectable } from '@nestjs/common';
import type { Assignment } from './run-sender.service.js';
import type { SlotHolder } from './slot-ledger.js';
import type { TransitionContext } from './transition-context.js';

/**
 * Wake-ups after a commit, wired at start-up so the pieces of the engine (and the alert sender)
 * do not import each other: the dispatcher listens for queued runs and freed slots, the sender for
 * new alert rows.
 */
@Injectable()
export class EngineHooks {
  onQueued: () => void = () => undefined;
  onFreed: (freed: readonly SlotHolder[]) => void = () => undefined;
  onAlerts: () => void = () => undefined;
  onClaimed: (claimed: readonly Assignment[]) => void = () => undefined;
  /** An execution ended (backfills start their next data dates). */
  onExecutionEnded: () => void = () => undefined;
  /** Last step inside every engine transaction (the dispatcher claims the runs it made ready). */
  beforeCommit: (ctx: TransitionContext) => Promise<void> = () => Promise.resolve();

  afterCommit(ctx: TransitionContext): void {
    if (ctx.claimed.length > 0) this.onClaimed(ctx.claimed);
    if (ctx.freed.length > 0) this.onFreed(ctx.freed);
    if (ctx.queuedSome || (ctx.freed.length > 0 && !ctx.queueServed)) this.onQueued();
    if (ctx.alertsQueued) this.onAlerts();
    if (ctx.executionEnded) this.onExecutionEnded();
  }
}
