import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/http/app.exception.js';
import { EngineDb, toDateOrNull, toNumber, toTextOrNull } from '../execution/engine-db.js';
import { TERMINAL_STATES } from '../execution/job-run.entity.js';

/** What the log viewer shows about a run, and what the live tail checks. */
export interface RunLogHeader {
  id: number;
  executionId: number;
  interfaceName: string;
  jobName: string;
  state: string;
  attempt: number;
  hostName: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const isEnded = (state: string): boolean => (TERMINAL_STATES as readonly string[]).includes(state);

/** Reads a run's header (one indexed row) for the viewer page and the tail's end check. */
@Injectable()
export class RunLogQuery {
  constructor(private readonly db: EngineDb) {}

  async header(runId: number): Promise<RunLogHeader> {
    const [row] = await this.db.read((sql) =>
      sql.rows<Record<string, unknown>>(
        'SELECT r.id, r.execution_id, r.interface_name, r.job_name, r.state, r.attempt, r.started_at, r.finished_at, ' +
          'h.name AS host_name FROM job_run r LEFT JOIN exec_host h ON h.id = r.host_id WHERE r.id = ?',
        [runId],
      ),
    );
    if (!row) throw notFound('run');
    return {
      id: toNumber(row.id),
      executionId: toNumber(row.execution_id),
      interfaceName: String(row.interface_name),
      jobName: String(row.job_name),
      state: String(row.state),
      attempt: toNumber(row.attempt),
      hostName: toTextOrNull(row.host_name),
      startedAt: toDateOrNull(row.started_at),
      finishedAt: toDateOrNull(row.finished_at),
    };
  }
}
