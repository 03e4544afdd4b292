import { Controller, Get, Render } from '@nestjs/common';
import { MAX_IMPORT_MB } from './import-limits.js';
import { TransferExportService } from './transfer-export.service.js';

/** The import / export page; the work is done by the JSON API it calls. */
@Controller('transfer')
export class TransferController {
  constructor(private readonly exports: TransferExportService) {}

  @Get()
  @Render('transfer/index')
  async page() {
    return { title: 'transfer.title', interfaces: await this.exports.interfaceNames(), maxMb: MAX_IMPORT_MB };
  }
}
