import { parseOutputs } from './job-outputs.js';
import type { Journal, RunRow } from './journal.js';
import type { Logger } from './logger.js';
import { killOrphanedGroup } from './process-group.js';
import { runEvent } from './runner.js';
import type { LogLine } from './types.js';

/**
 * After a crash or kill -9: every run the journal still calls accepted/running is marked `lost` once,
 * with its last persisted tail, in the same transaction as its `run.finished` event. Processes left
 * behind by the dead node are killed first (only when their start time proves they are ours).
 */
export function recoverRuns(journal: Journal, nodeName: string, reportEvents: boolean, logger: Logger): number {
  const rows = journal.runsInStates(['accepted', 'running']);
  for (const row of rows) {
    const killed =
      row.pgid === null ? 0 : killOrphanedGroup({ pgid: row.pgid, procStart: row.proc_start, bootId: row.boot_id });
    if (killed > 0)
      logger.warn(`run ${row.run_id}#${row.attempt}: killed ${killed} orphaned process(es) of group ${row.pgid}`);
    markLost(journal, row, nodeName, reportEvents, killed);
  }
  if (rows.length > 0)
    logger.warn(`recovered ${rows.length} run(s) left active by a previous node process: marked lost`);
  return rows.length;
}

function markLost(journal: Journal, row: RunRow, nodeName: string, reportEvents: boolean, killed: number): void {
  const tail = JSON.parse(row.tail) as LogLine[];
  const seq = row.next_seq;
  const finishedAt = Date.now();
  const error =
    row.state === 'accepted'
      ? 'exec node restarted before the process started'
      : `exec node restarted while the run was active${killed > 0 ? `; ${killed} orphaned process(es) killed` : ''}`;
  const spec = { runId: row.run_id, attempt: row.attempt, executionId: row.execution_id, jobId: row.job_id };
  const event = reportEvents
    ? runEvent({ spec }, 'run.finished', seq, nodeName, {
        state: 'lost',
        exitCode: null,
        signal: null,
        error,
        startedAt: row.started_at === null ? null : new Date(row.started_at).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        logBytes: row.log_bytes,
        truncated: row.truncated === 1,
        outputs: parseOutputs(row.outputs),
        tail: tail.map((line) => ({ seq: line.seq, stream: line.stream, line: line.line })),
      })
    : null;
  const progress = {
    runId: row.run_id,
    attempt: row.attempt,
    nextSeq: seq + 1,
    logBytes: row.log_bytes,
    truncated: row.truncated === 1,
    tail: row.tail,
    outputs: row.outputs,
  };
  journal.recordFinished(progress, { state: 'lost', finishedAt, exitCode: null, signal: null, error }, event);
}
