import { PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ALERT_EVENTS,
  MISFIRE_POLICIES,
  OVERLAP_POLICIES,
  type AlertEvent,
  type MisfirePolicy,
  type OverlapPolicy,
} from '../dispatch.entity.js';
import { MAX_OFFSET_DAYS } from '../dispatch.input.js';
import { MAX_RULES } from '../dispatch-alert.service.js';

export class CreateDispatchDto {
  @IsInt()
  @Min(1)
  interfaceId: number;

  @IsString()
  @Length(1, 128)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Six fields with seconds; L, W and # allowed; day-of-month or day-of-week must be ? or *. */
  @IsString()
  @MaxLength(128)
  cron: string;

  /** IANA time zone; default UTC. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  /** false = paused. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsIn(MISFIRE_POLICIES)
  misfirePolicy?: MisfirePolicy;

  @IsOptional()
  @IsIn(OVERLAP_POLICIES)
  overlapPolicy?: OverlapPolicy;

  @IsOptional()
  @IsBoolean()
  runDownstream?: boolean;

  /** Data date = fire date in the zone + this (default -1 = T-1). */
  @IsOptional()
  @IsInt()
  @Min(-MAX_OFFSET_DAYS)
  @Max(MAX_OFFSET_DAYS)
  dataDateOffsetDays?: number;
}

/** Any subset of the create fields, with the same rules. */
export class UpdateDispatchDto extends PartialType(CreateDispatchDto) {}

export class DispatchAlertDto {
  @IsIn(ALERT_EVENTS)
  event: AlertEvent;

  @IsInt()
  @Min(1)
  channelId: number;

  /** Comma-separated email addresses for SMTP channels; free text (e.g. names to mention) for webhooks. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  recipients?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ReplaceDispatchAlertsDto {
  @IsArray()
  @ArrayMaxSize(MAX_RULES)
  @ValidateNested({ each: true })
  @Type(() => DispatchAlertDto)
  rules: DispatchAlertDto[];
}

export class UpdateDispatchAlertDto {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  recipients?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
