import {
  IsBoolean,
  IsIn,
  IsOptional,
  Matches,
  Validate,
  type ValidatorConstraintInterface,
  ValidatorConstraint,
} from 'class-validator';

/** YYYY-MM-DD that is a real calendar day. */
export function isDataDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

@ValidatorConstraint({ name: 'dataDate' })
class DataDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isDataDate(value);
  }
  defaultMessage(): string {
    return 'must be a date as YYYY-MM-DD';
  }
}

export class RunDispatchDto {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' })
  @Validate(DataDateConstraint)
  dataDate: string;

  /** Default: the dispatch's own setting. */
  @IsOptional()
  @IsBoolean()
  runDownstream?: boolean;
}

export class RunJobDto {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' })
  @Validate(DataDateConstraint)
  dataDate: string;
}

export class RerunDto {
  /** Run with the definitions as snapshotted (default) or as they are now. */
  @IsOptional()
  @IsIn(['snapshot', 'current'])
  definitions?: 'snapshot' | 'current';
}
