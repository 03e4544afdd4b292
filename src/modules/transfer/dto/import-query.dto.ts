import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IMPORT_MODES, type ImportMode } from '../import-model.js';

/** `?dryRun=true|false&mode=merge|mirror` of both import routes. */
export class ImportQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'true',
    description: 'true: only report the diff; false: apply it (all or nothing).',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: IMPORT_MODES,
    default: 'merge',
    description:
      'merge: create and update, never delete; mirror: also delete the jobs and dispatches of the ' +
      "file's interfaces that the file does not have (definitions files only).",
  })
  @IsOptional()
  @IsIn(IMPORT_MODES)
  mode?: ImportMode;
}
