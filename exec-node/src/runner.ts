import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { ExecNodeConfig } from './config.js';
import { cwdProblem, prepareProcess, removeScript, spawnJob } from './job-process.js';
import type { Journal } from './journal.js';
import { rowToView } from './journal.js';
import { LineSplitter } from './line-splitter.js';
import type { LogBatcher } from './log-batcher.js';
import type { WakeReason } from './outbox-reporter.js';
import { errorText, type Logger } from './logger.js';
import { groupIsAlive, readProcStat, signalGroup } from './process-group.js';
import { RpcError, RpcErrorCode } from './rpc-errors.js';
import { RunOutput } from './run-output.js';
import { runKeyText, type JobSpec, type OutboxEvent, type OutputStream, type RunKey, type RunView } from './types.js';

type StopReason = 'killed' | 'timed_out' | 'shutdown';

/** In-memory state of a run whose process has not been finalised yet. */
interface ActiveRun {
  spec: JobSpec;
  output: RunOutput;
  child: ChildProcess | null;
  pid: number | null;
  startedAt: number | null;
  stopReason: StopReason | null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  ending: Promise<void> | null;
  timers: Set<NodeJS.Timeout>;
  scriptPath: string | null;
  finished: Promise<void>;
  markFinished: () => void;
}

export interface RunnerDeps {
  config: ExecNodeConfig;
  journal: Journal;
  batcher: LogBatcher;
  logger: Logger;
  baseEnv: Record<string, string>;
  bootId: string | null;
  /** Whether run.started / run.finished events are written to the outbox. */
  reportEvents: boolean;
  onEvent: (reason: WakeReason) => void;
}

/** Starts runs as process groups, streams their output, and records every transition in the journal. */
export class Runner {
  private readonly active = new Map<string, ActiveRun>();
  draining = false;

  constructor(private readonly deps: RunnerDeps) {}

  get slotsUsed(): number {
    return this.active.size;
  }

  /** Idempotent on (runId, attempt): a repeat returns the recorded run instead of starting it again. */
  async start(spec: JobSpec): Promise<RunView & { duplicate: boolean }> {
    const existing = this.deps.journal.getRun(spec);
    if (existing !== undefined) return { ...rowToView(existing), duplicate: true };
    if (this.draining) throw new RpcError(RpcErrorCode.DRAINING, 'node is draining: it accepts no new runs');
    if (this.active.size >= this.deps.config.slots) {
      throw new RpcError(RpcErrorCode.NO_SLOT, `all ${this.deps.config.slots} slots are busy`);
    }
    this.deps.journal.insertRun({
      run_id: spec.runId,
      attempt: spec.attempt,
      execution_id: spec.executionId,
      job_id: spec.jobId,
      accepted_at: Date.now(),
    });
    const run = this.track(spec);
    await this.launch(run);
    return { ...this.view(spec), duplicate: false };
  }

  /** Ends the run's whole process group; the run finishes as `killed`. */
  kill(key: RunKey): RunView & { stopping: boolean } {
    const run = this.active.get(runKeyText(key));
    if (run === undefined) {
      if (this.deps.journal.getRun(key) === undefined) {
        throw new RpcError(RpcErrorCode.RUN_NOT_FOUND, `run ${runKeyText(key)} is not known to this node`);
      }
      return { ...this.view(key), stopping: false };
    }
    if (run.exit === null) {
      run.stopReason ??= 'killed';
      this.endGroup(run, 'job.kill');
    }
    return { ...this.view(key), stopping: true };
  }

  /** Attempts of a runId that are still active, newest first. */
  activeAttempts(runId: string): number[] {
    return [...this.active.values()]
      .filter((run) => run.spec.runId === runId)
      .map((run) => run.spec.attempt)
      .sort((a, b) => b - a);
  }

  /** Ends every active run (recorded as `lost`: the node went away) and waits for them to be finalised. */
  async shutdown(): Promise<void> {
    const runs = [...this.active.values()];
    for (const run of runs) {
      if (run.exit === null) run.stopReason ??= 'shutdown';
      this.endGroup(run, 'exec node shutting down');
    }
    const limit = this.deps.config.killGraceMs + 3000;
    await Promise.race([Promise.all(runs.map((run) => run.finished)), sleep(limit, undefined, { ref: false })]);
  }

  private view(key: RunKey): RunView {
    return rowToView(this.deps.journal.getRun(key) ?? fail(`run ${runKeyText(key)} vanished from the journal`));
  }

  private track(spec: JobSpec): ActiveRun {
    let markFinished = (): void => undefined;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    const { config, batcher } = this.deps;
    const run: ActiveRun = {
      spec,
      output: new RunOutput(spec, config.logCapBytes, config.tailLines, batcher),
      child: null,
      pid: null,
      startedAt: null,
      stopReason: null,
      exit: null,
      ending: null,
      timers: new Set(),
      scriptPath: null,
      finished,
      markFinished,
    };
    this.active.set(runKeyText(spec), run);
    return run;
  }

  private launch(run: ActiveRun): Promise<void> {
    const prepared = prepareProcess(run.spec, this.deps.baseEnv, join(this.deps.config.dataDir, 'scripts'));
    run.scriptPath = prepared.scriptPath;
    const problem = cwdProblem(prepared.cwd);
    if (problem !== null) {
      this.failToStart(run, `cannot start: ${problem}`);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const child = spawnJob(prepared);
      run.child = child;
      child.once('error', (error) => {
        if (run.pid === null) this.failToStart(run, `cannot start ${prepared.argv[0] ?? ''}: ${error.message}`);
        else this.deps.logger.warn(`run ${runKeyText(run.spec)}: process error: ${error.message}`);
        resolve();
      });
      child.once('spawn', () => {
        this.onSpawned(run, child);
        resolve();
      });
    });
  }

  private onSpawned(run: ActiveRun, child: ChildProcess): void {
    const pid = child.pid as number;
    run.pid = pid;
    run.startedAt = Date.now();
    const seq = run.output.allocateSeq();
    const start = {
      pid,
      procStart: readProcStat(pid)?.startTime ?? null,
      bootId: this.deps.bootId,
      startedAt: run.startedAt,
    };
    this.deps.journal.recordStarted(run.spec, start, run.output.nextSeq, this.startedEvent(run, seq));
    this.pipe(run, child.stdout, 'stdout');
    this.pipe(run, child.stderr, 'stderr');
    child.on('exit', (code, signal) => this.onExit(run, code, signal));
    child.on('close', () => void this.finish(run).catch((error) => this.finishFailed(run, error)));
    if (run.spec.timeoutMs !== null) this.addTimer(run, run.spec.timeoutMs, () => this.onTimeout(run));
    this.deps.logger.debug(`run ${runKeyText(run.spec)}: started pid ${pid}`);
    this.deps.onEvent('started');
  }

  private pipe(run: ActiveRun, stream: NodeJS.ReadableStream | null, name: OutputStream): void {
    if (stream === null) return;
    let chunkTime = Date.now();
    const splitter = new LineSplitter((text, bytes) => run.output.addLine(name, text, bytes, chunkTime));
    stream.on('data', (chunk: Buffer) => {
      // Past the cap the output is drained and only counted: memory stays flat, the process keeps running.
      if (run.output.truncated) run.output.discard(chunk.length);
      else {
        chunkTime = Date.now();
        splitter.push(chunk);
      }
    });
    stream.on('end', () => splitter.end());
  }

  private onExit(run: ActiveRun, code: number | null, signal: NodeJS.Signals | null): void {
    run.exit = { code, signal };
    // Leftover members of the group (daemonised children) would keep the pipes open: end them too.
    if (run.pid !== null && groupIsAlive(run.pid)) this.endGroup(run, 'main process exited; ending leftover processes');
    // A process in another group may still hold the pipes; stop waiting for them after the grace period.
    this.addTimer(run, this.deps.config.killGraceMs + 2000, () => {
      run.child?.stdout?.destroy();
      run.child?.stderr?.destroy();
    });
  }

  private onTimeout(run: ActiveRun): void {
    if (run.exit !== null) return;
    run.stopReason ??= 'timed_out';
    this.endGroup(run, `timeout after ${run.spec.timeoutMs ?? 0} ms`);
  }

  /** SIGTERM to the whole group, SIGKILL after killGraceMs if any member is still alive. */
  private endGroup(run: ActiveRun, reason: string): void {
    if (run.ending !== null || run.pid === null) return;
    const pgid = run.pid;
    run.output.addNotice(`${reason}: sending SIGTERM to process group ${pgid}`);
    run.ending = (async () => {
      signalGroup(pgid, 'SIGTERM');
      const deadline = Date.now() + this.deps.config.killGraceMs;
      while (Date.now() < deadline) {
        await sleep(Math.min(25, Math.max(1, deadline - Date.now())));
        if (!groupIsAlive(pgid)) return;
      }
      if (groupIsAlive(pgid)) {
        run.output.addNotice(`process group ${pgid} still alive after ${this.deps.config.killGraceMs} ms: SIGKILL`);
        signalGroup(pgid, 'SIGKILL');
      }
    })().catch((error) =>
      this.deps.logger.error(`run ${runKeyText(run.spec)}: ending group failed: ${errorText(error)}`),
    );
  }

  private async finish(run: ActiveRun): Promise<void> {
    if (run.ending !== null) await run.ending;
    for (const timer of run.timers) clearTimeout(timer);
    const outcome = decideOutcome(run);
    this.deps.batcher.flush();
    const seq = run.output.allocateSeq();
    const finishedAt = Date.now();
    const finish = {
      ...outcome,
      finishedAt,
      exitCode: run.exit?.code ?? null,
      signal: run.exit?.signal ?? null,
    };
    this.deps.journal.recordFinished(run.output.progress(), finish, this.finishedEvent(run, seq, finish));
    this.release(run);
    // One line per run at info (its start is a debug line): a busy node logs as many lines as it runs jobs.
    const took = run.startedAt === null ? '' : ` after ${finishedAt - run.startedAt} ms`;
    this.deps.logger.info(
      `run ${runKeyText(run.spec)}: pid ${run.pid ?? '-'} ${outcome.state}${took}${outcome.error === null ? '' : ` (${outcome.error})`}`,
    );
  }

  private failToStart(run: ActiveRun, message: string): void {
    run.child?.stdout?.destroy();
    run.child?.stderr?.destroy();
    run.output.addNotice(message);
    this.deps.batcher.flush();
    const seq = run.output.allocateSeq();
    const finish = {
      state: 'failed' as const,
      finishedAt: Date.now(),
      exitCode: null,
      signal: null,
      error: message,
    };
    this.deps.journal.recordFinished(run.output.progress(), finish, this.finishedEvent(run, seq, finish));
    this.release(run);
    this.deps.logger.warn(`run ${runKeyText(run.spec)}: ${message}`);
  }

  private finishFailed(run: ActiveRun, error: unknown): void {
    this.deps.logger.error(`run ${runKeyText(run.spec)}: could not record the outcome: ${errorText(error)}`);
    this.release(run);
  }

  private release(run: ActiveRun): void {
    for (const timer of run.timers) clearTimeout(timer);
    run.timers.clear();
    try {
      removeScript(run.scriptPath);
    } catch (error) {
      this.deps.logger.warn(`run ${runKeyText(run.spec)}: cannot remove script file: ${errorText(error)}`);
    }
    this.active.delete(runKeyText(run.spec));
    run.markFinished();
    this.deps.onEvent('other');
  }

  private addTimer(run: ActiveRun, ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      run.timers.delete(timer);
      action();
    }, ms);
    run.timers.add(timer);
  }

  private startedEvent(run: ActiveRun, seq: number): OutboxEvent | null {
    if (!this.deps.reportEvents) return null;
    return runEvent(run, 'run.started', seq, this.deps.config.name, {
      pid: run.pid,
      startedAt: new Date(run.startedAt ?? Date.now()).toISOString(),
    });
  }

  private finishedEvent(run: ActiveRun, seq: number, finish: FinishOutcome): OutboxEvent | null {
    if (!this.deps.reportEvents) return null;
    return runEvent(run, 'run.finished', seq, this.deps.config.name, {
      state: finish.state,
      exitCode: finish.exitCode,
      signal: finish.signal,
      error: finish.error,
      startedAt: run.startedAt === null ? null : new Date(run.startedAt).toISOString(),
      finishedAt: new Date(finish.finishedAt).toISOString(),
      logBytes: run.output.logBytes,
      truncated: run.output.truncated,
      outputs: run.output.outputs(),
      tail: run.output.tailLines().map((line) => ({ seq: line.seq, stream: line.stream, line: line.line })),
    });
  }
}

interface FinishOutcome {
  state: 'succeeded' | 'failed' | 'timed_out' | 'killed' | 'lost';
  finishedAt: number;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

function decideOutcome(run: ActiveRun): Pick<FinishOutcome, 'state' | 'error'> {
  const code = run.exit?.code ?? null;
  const signal = run.exit?.signal ?? null;
  switch (run.stopReason) {
    case 'killed':
      return { state: 'killed', error: 'killed by job.kill' };
    case 'timed_out':
      return { state: 'timed_out', error: `timed out after ${run.spec.timeoutMs ?? 0} ms` };
    case 'shutdown':
      return { state: 'lost', error: 'exec node shut down while the run was active' };
    case null:
      if (code !== null && run.spec.successExitCodes.includes(code)) return { state: 'succeeded', error: null };
      return {
        state: 'failed',
        error: signal !== null ? `terminated by ${signal}` : `exit code ${code ?? 'unknown'}`,
      };
  }
}

export function runEvent(
  run: { spec: Pick<JobSpec, 'runId' | 'attempt' | 'executionId' | 'jobId'> },
  method: OutboxEvent['method'],
  seq: number,
  nodeName: string,
  extra: Record<string, unknown>,
): OutboxEvent {
  const { runId, attempt, executionId, jobId } = run.spec;
  return {
    method,
    runId,
    attempt,
    seq,
    params: { nodeName, runId, attempt, seq, executionId, jobId, ...extra },
  };
}

function fail(message: string): never {
  throw new Error(message);
}
