import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BACKFILL_ORDERS, MAX_BACKFILL_PARALLELISM, type BackfillOrder } from '../backfill-plan.js';

export class CreateBackfillDto {
  @IsInt({ message: 'must be a dispatch id' })
  @Min(1, { message: 'must be a dispatch id' })
  dispatchId: number;

  /** YYYY-MM-DD, the first data date (checked as a calendar day by the service). */
  @IsString()
  dateFrom: string;

  /** YYYY-MM-DD, the last data date, included. */
  @IsString()
  dateThrough: string;

  @IsOptional()
  @IsIn(BACKFILL_ORDERS)
  order?: BackfillOrder;

  @IsOptional()
  @IsInt({ message: `must be a whole number from 1 to ${MAX_BACKFILL_PARALLELISM}` })
  @Min(1, { message: `must be a whole number from 1 to ${MAX_BACKFILL_PARALLELISM}` })
  @Max(MAX_BACKFILL_PARALLELISM, { message: `must be a whole number from 1 to ${MAX_BACKFILL_PARALLELISM}` })
  parallelism?: number;

  /** Default: the dispatch's own setting. */
  @IsOptional()
  @IsBoolean()
  runDownstream?: boolean;

  @IsOptional()
  @IsBoolean()
  stopOnFailure?: boolean;
}

export class CancelBackfillDto {
  /** Also kill the backfill's executions that are running. */
  @IsOptional()
  @IsBoolean()
  kill?: boolean;
}
