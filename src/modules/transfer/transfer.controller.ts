import { Controller, Get, Render, Req } from '@nestjs/common';
import type { Request } from 'express';
import { MAX_IMPORT_MB } from './import-limits.js';
import { TransferExportService } from './transfer-export.service.js';

/** The import / export page; the work is done by the JSON API it calls. */
@Controller('transfer')
export class TransferController {
  constructor(private readonly exports: TransferExportService) {}

  @Get()
  @Render('transfer/index')
  async page(@Req() request: Request) {
    const interfaces = await this.exports.interfaceNames(request.principal!);
    return { title: 'transfer.title', interfaces, maxMb: MAX_IMPORT_MB };
  }
}
