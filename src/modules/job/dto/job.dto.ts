import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  COMMAND_TYPES,
  EDGE_CONDITIONS,
  PARAM_KINDS,
  ROUTING_STRATEGIES,
  type CommandType,
  type EdgeCondition,
  type ParamKind,
  type RoutingStrategy,
} from '../job.entity.js';

export class PrerequisiteConditionDto {
  @ApiProperty({ description: 'One of prerequisiteIds.' })
  @IsInt()
  prerequisiteId: number;

  @ApiProperty({
    enum: EDGE_CONDITIONS,
    description:
      'succeeded (default): the prerequisite succeeded; failed: it failed, timed out, was killed or lost; ' +
      'finished: it ended in any way (skipped included); output: it succeeded and printed outputName with outputMatch.',
  })
  @IsIn(EDGE_CONDITIONS)
  condition: EdgeCondition;

  @ApiPropertyOptional({ description: 'condition output: the output name.' })
  @IsOptional()
  @IsString()
  outputName?: string;

  @ApiPropertyOptional({ description: 'condition output: the exact value, or /regex/ (JavaScript, not anchored).' })
  @IsOptional()
  @IsString()
  outputMatch?: string;
}

export class JobParamDto {
  @ApiProperty({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Unique per job (ignoring case).' })
  @IsString()
  name: string;

  @ApiProperty({ enum: PARAM_KINDS })
  @IsIn(PARAM_KINDS)
  kind: ParamKind;

  @ApiProperty({
    maxLength: 1000,
    description:
      'static: the value as is; context: data_date[:format[:offset]], execution_id, job_name, interface_name; ' +
      'input: an upstream output, name or job_name.name, resolved when the run is sent',
  })
  @IsString()
  value: string;
}

/**
 * A job for create (POST) and full replacement (PUT): fields left out take their defaults, and
 * `params` / `prerequisiteIds` left out mean none. Shapes are checked here; ranges, references,
 * uniqueness and cycles by the service (the same checks the pages get), each error naming its field.
 */
export class JobBodyDto {
  @ApiProperty({ description: 'The interface the job belongs to.' })
  @IsInt()
  interfaceId: number;

  @ApiProperty({ maxLength: 128, description: 'Unique within its interface.' })
  @IsString()
  name: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  folder?: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'A fixed exec host; or set hostTag instead.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsInt()
  execHostId?: number | null;

  @ApiPropertyOptional({ maxLength: 64, description: 'Any enabled host with this tag; or set execHostId instead.' })
  @IsOptional()
  @IsString()
  hostTag?: string;

  @ApiPropertyOptional({ enum: ROUTING_STRATEGIES, default: 'round_robin' })
  @IsOptional()
  @IsIn(ROUTING_STRATEGIES)
  routingStrategy?: RoutingStrategy;

  @ApiPropertyOptional({ description: 'Absolute path on the exec host; empty = the node’s default.' })
  @IsOptional()
  @IsString()
  workingDir?: string;

  @ApiPropertyOptional({ enum: COMMAND_TYPES, default: 'argv' })
  @IsOptional()
  @IsIn(COMMAND_TYPES)
  commandType?: CommandType;

  @ApiProperty({
    description:
      'argv: a command line split into words without a shell (quotes and backslashes honoured; unquoted ' +
      'shell operators and $ are refused); script: the script text, run by interpreter.',
  })
  @IsString()
  command: string;

  @ApiPropertyOptional({ description: 'script only; default /bin/sh.' })
  @IsOptional()
  @IsString()
  interpreter?: string;

  @ApiPropertyOptional({ type: [JobParamDto], description: 'Ordered; each value is one argv element.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => JobParamDto)
  params?: JobParamDto[];

  @ApiPropertyOptional({ example: '0,3', default: '0' })
  @IsOptional()
  @IsString()
  successExitCodes?: string;

  @ApiPropertyOptional({ default: 0, description: 'Seconds; 0 = none. Less than timeoutFailSeconds.' })
  @IsOptional()
  @IsInt()
  timeoutWarnSeconds?: number;

  @ApiPropertyOptional({ default: 0, description: 'Seconds; 0 = none.' })
  @IsOptional()
  @IsInt()
  timeoutFailSeconds?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, description: '0-100; null = the interface default.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsInt()
  retryCount?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Seconds; null = the interface default.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsInt()
  retryIntervalSeconds?: number | null;

  @ApiPropertyOptional({ default: 100, description: '100-1000: interval multiplier per retry, in percent.' })
  @IsOptional()
  @IsInt()
  retryBackoffPercent?: number;

  @ApiPropertyOptional({ default: true, description: 'Retry runs lost with their host.' })
  @IsOptional()
  @IsBoolean()
  retryLost?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Run on every online enabled host carrying hostTag.' })
  @IsOptional()
  @IsBoolean()
  broadcast?: boolean;

  @ApiPropertyOptional({ default: 0, description: 'Broadcast: hosts running at once (0 = all).' })
  @IsOptional()
  @IsInt()
  broadcastParallel?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Broadcast: percent of hosts that may fail.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsInt()
  failRate?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Broadcast: hosts that may fail.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsInt()
  failCount?: number | null;

  @ApiPropertyOptional({ default: false, description: 'Broadcast: kill running hosts once the budget is exceeded.' })
  @IsOptional()
  @IsBoolean()
  killOnBudgetExceeded?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [Number], description: 'Jobs in any interface this job waits for.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  prerequisiteIds?: number[];

  @ApiPropertyOptional({
    type: [PrerequisiteConditionDto],
    description: 'Conditions of some of prerequisiteIds; the edges not listed are `succeeded`.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PrerequisiteConditionDto)
  prerequisiteConditions?: PrerequisiteConditionDto[];
}
