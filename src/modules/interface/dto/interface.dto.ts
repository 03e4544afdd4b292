import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  ValidateIf,
} from 'class-validator';

/**
 * An interface for create (POST) and full replacement (PUT): fields left out take their defaults.
 * Shapes are checked here; ranges, uniqueness, references and cycles by the service (the same
 * checks the pages get), each error naming its field.
 */
export class InterfaceBodyDto {
  @ApiProperty({ maxLength: 128, description: 'Unique name.' })
  @IsString()
  name: string;

  @ApiPropertyOptional({ maxLength: 1000, default: '' })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ maxLength: 128, default: '', description: 'Slash-separated group, e.g. "dw/ods".' })
  @IsOptional()
  @IsString()
  folder?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-01-31', description: 'YYYY-MM-DD or null.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  dataDateWatermark?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0, description: 'Default retries of its jobs.' })
  @IsOptional()
  @IsInt()
  retryCount?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400, default: 60 })
  @IsOptional()
  @IsInt()
  retryIntervalSeconds?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [Number], description: 'Parent interfaces (this one depends on them).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  parentIds?: number[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Owning user name (left out: creator / unchanged).',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  ownerUser?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Owning group name, instead of a user.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  ownerGroup?: string | null;

  @ApiPropertyOptional({ description: 'Everyone may see and run it (left out: false / unchanged).' })
  @IsOptional()
  @IsBoolean()
  shared?: boolean;
}

export class IdsDto {
  @ApiProperty({ type: [Number] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsInt({ each: true })
  ids: number[];
}

export class BatchDeleteDto extends IdsDto {
  @ApiPropertyOptional({ default: false, description: 'Also remove what depends on the targets.' })
  @IsOptional()
  @IsBoolean()
  cascade?: boolean;
}
