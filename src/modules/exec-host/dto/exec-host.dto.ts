import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_SLOTS, MAX_TAGS } from '../exec-host.input.js';

export class CreateExecHostDto {
  @IsString()
  @Length(1, 128)
  name: string;

  /** Base URL of the node, e.g. http://etl-01:7391. */
  @IsString()
  @MaxLength(512)
  address: string;

  /** The node's bearer token; stored encrypted, never returned. */
  @IsString()
  @Length(16, 512)
  token: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SLOTS)
  slots?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  tags?: string[];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class UpdateExecHostDto {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  address?: string;

  /** A new token; omit (or send "") to keep the current one. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  token?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SLOTS)
  slots?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  tags?: string[];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

/** Several targets at once; refused as a whole when any has dependents, unless cascade is confirmed. */
export class DeleteManyDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  ids: number[];

  @IsOptional()
  @IsBoolean()
  cascade?: boolean;
}
