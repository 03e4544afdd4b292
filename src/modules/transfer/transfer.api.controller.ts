import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { actorOf } from '../interface/interface.service.js';
import { readDefinitionsFile } from './definitions-file.js';
import { ImportQueryDto } from './dto/import-query.dto.js';
import { readUpload } from './import-reader.js';
import { TransferExportService, interfacesParam } from './transfer-export.service.js';
import { TransferImportService, type ImportOptions } from './transfer-import.service.js';
import { ImportUploadInterceptor, type UploadedContent } from './upload.interceptor.js';

function importOptions(request: Request, query: ImportQueryDto, fileName?: string): ImportOptions {
  return { mode: query.mode ?? 'merge', dryRun: query.dryRun !== 'false', actor: actorOf(request), fileName };
}

/**
 * Export and import of definitions. Export: any logged-in user. Import: `write`, plus `schedule`
 * when the file has dispatches (or a mirror would delete some).
 */
@ApiTags('transfer')
@Controller('api/transfer')
export class TransferApiController {
  constructor(
    private readonly exports: TransferExportService,
    private readonly imports: TransferImportService,
  ) {}

  @Get('export')
  @ApiOperation({
    summary: 'Download the definitions file: everything, or ?interfaces=a,b with their jobs and dispatches',
  })
  async export(@Req() request: Request, @Query() query: Record<string, unknown>, @Res() response: Response) {
    const file = await this.exports.build(interfacesParam(query.interfaces), request.principal!);
    const stamp = file.exportedAt.slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    response.setHeader('Content-Disposition', `attachment; filename="meshcron-definitions-${stamp}.json"`);
    response.type('application/json').send(`${JSON.stringify(file, null, 2)}\n`);
  }

  @Post('import')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({
    summary: 'Import a definitions file given as the JSON body (at most 20 MB): the diff, applied unless dryRun',
  })
  @ApiBody({ description: 'A definitions file as written by export (format "meshcron-definitions", version 1).' })
  async importJson(@Req() request: Request, @Query() query: ImportQueryDto, @Body() body: unknown) {
    // The body is a whole file: it is checked object by object (errors naming each object), not by a DTO.
    return { data: await this.imports.run(readDefinitionsFile(body), importOptions(request, query)) };
  }

  @Post('import/file')
  @HttpCode(200)
  @RequirePermission('write')
  @UseInterceptors(ImportUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Import an uploaded file (multipart field "file", at most 20 MB): a definitions file, or a legacy CSV/XLSX job table',
  })
  async importFile(
    @Req() request: Request,
    @Query() query: ImportQueryDto,
    @UploadedFile() file: UploadedContent | undefined,
  ) {
    if (!file) throw new ValidationException({ file: 'choose a file (multipart field "file")' });
    const document = await readUpload(file.buffer);
    const name = file.originalname.slice(0, 200);
    return { data: await this.imports.run(document, importOptions(request, query, name)) };
  }
}
