import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../../infra/database/columns.js';

/** Job output lines on the embedded (SQL) log store. */
@Entity('job_log')
export class JobLogEntity {
  // The primary key (run_id, attempt, seq) serves paging: WHERE run_id = ? AND attempt = ? AND seq > ? ORDER BY seq.
  @PrimaryColumn({ type: 'int' })
  runId: number;

  @PrimaryColumn({ type: 'int' })
  attempt: number;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @Column({ type: 'varchar', length: 8 })
  stream: string;

  // Serves the retention sweep: WHERE time < ? ORDER BY time LIMIT 1 OFFSET n, then DELETE WHERE time <= ?.
  @Index('ix_job_log_time')
  @TimeColumn()
  time: Date;

  @Column({ type: 'text' })
  line: string;
}
