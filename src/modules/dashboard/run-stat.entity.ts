import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The counts every rollup row carries (columns inherited by the rollup tables). */
export abstract class RunStatCounts {
  @Column({ type: 'int', default: 0 })
  succeeded: number;

  /** failed, timed_out and lost attempts. */
  @Column({ type: 'int', default: 0 })
  failed: number;

  /** killed and skipped runs. */
  @Column({ type: 'int', default: 0 })
  otherEnded: number;

  /** Attempts whose duration is counted: those the node ended (succeeded, failed, timed_out). */
  @Column({ type: 'int', default: 0 })
  durationCount: number;

  @Column({ type: 'bigint', default: 0 })
  durationSumMs: number;

  @Column({ type: 'bigint', default: 0 })
  durationMaxMs: number;
}

/**
 * Ended run attempts per UTC day and job, kept up to date by the transaction that ends each attempt
 * (see run-stat-rollup.ts) so the dashboard never scans job_run. Every attempt counts: a run that
 * failed, was retried and then succeeded adds one failure and one success.
 */
@Entity('run_stat_job_day')
// Per-job totals of the few jobs shown (most failing): WHERE job_id IN (...) AND day >= ?.
@Index('ix_run_stat_job_day_job', ['jobId', 'day'])
export class RunStatJobDayEntity extends RunStatCounts {
  /** YYYY-MM-DD (UTC) of the moment the attempt ended. Slowest/most failing jobs: WHERE day >= ? (primary key). */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @PrimaryColumn({ type: 'int' })
  jobId: number;
}

/** The same counts per UTC day and exec host (host 0: runs that ended without one, e.g. skipped). */
@Entity('run_stat_host_day')
export class RunStatHostDayEntity extends RunStatCounts {
  /** Success rate per day and runs per host per day: WHERE day >= ? (primary key). */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @PrimaryColumn({ type: 'int' })
  hostId: number;
}

/**
 * Per-job sums of run_stat_job_day over the settled days of a dashboard window (from_day … through_day,
 * the days before yesterday: no attempt ends on them any more), built once per window and day by the
 * dashboard (run-stat-window.ts). The dashboard adds yesterday's and today's day rows to it, so its
 * rankings stay exact while reading at most (jobs + 2 days of rows) instead of 90 days of rows.
 * Emptied by the rollup rebuild.
 */
@Entity('run_stat_job_window')
export class RunStatJobWindowEntity extends RunStatCounts {
  /** Window read: WHERE from_day = ? AND through_day = ? (primary key prefix). */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  fromDay: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  throughDay: string;

  @PrimaryColumn({ type: 'int' })
  jobId: number;
}
