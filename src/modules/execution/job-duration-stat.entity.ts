import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../infra/database/columns.js';

/**
 * What a job's succeeded runs took, kept per job and updated in the transaction that settles each
 * success, so estimates read one row per job instead of scanning job_run. `expectedMs` is an
 * exponentially weighted moving average (weight 0.3 for the newest run), `maxMs` the longest run.
 */
@Entity('job_duration_stat')
export class JobDurationStatEntity {
  @PrimaryColumn({ type: 'int' })
  jobId: number;

  /** Succeeded runs counted. */
  @Column({ type: 'int', default: 0 })
  samples: number;

  @Column({ type: 'bigint' })
  expectedMs: number;

  @Column({ type: 'bigint' })
  maxMs: number;

  @Column({ type: 'bigint' })
  lastMs: number;

  @TimeColumn()
  updatedAt: Date;
}
