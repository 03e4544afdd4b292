/**
 * The contract between the scheduler (which decides that a dispatch fires, exactly once) and the
 * engine (which builds and runs the execution). The scheduler depends only on this token.
 */
export interface StartExecutionRequest {
  /** null for manual runs of a single job or ad-hoc runs. */
  dispatchId: number | null;
  /** The fire time the execution belongs to; unique together with dispatchId. */
  scheduledAt: Date;
  /** YYYY-MM-DD. */
  dataDate: string;
  trigger: 'schedule' | 'misfire' | 'manual';
  /** Who asked (user name, or "scheduler"). */
  actor: string;
  /** Override the dispatch's downstream setting (manual runs). */
  runDownstream?: boolean;
}

export interface StartExecutionResult {
  executionId: number;
  /** false when an execution for (dispatchId, scheduledAt) already existed. */
  created: boolean;
}

export abstract class ExecutionStarter {
  abstract start(request: StartExecutionRequest): Promise<StartExecutionResult>;
  /** Whether the dispatch has an execution that has not ended, backfills aside (for overlap policies). */
  abstract hasActiveExecution(dispatchId: number): Promise<boolean>;
}
