import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { installImportBodyParser } from './import-limits.js';
import { TransferApiController } from './transfer.api.controller.js';
import { TransferController } from './transfer.controller.js';
import { TransferExportService } from './transfer-export.service.js';
import { TransferImportService } from './transfer-import.service.js';
import './transfer.i18n.js';

/** Import and export of definitions: the versioned JSON file, and the legacy CSV/XLSX job table. */
@Module({
  imports: [AuditModule],
  controllers: [TransferController, TransferApiController],
  providers: [TransferExportService, TransferImportService],
})
export class TransferModule {
  constructor(adapterHost: HttpAdapterHost) {
    // Modules are built while the application is created, before Nest adds its body parsers.
    installImportBodyParser(adapterHost.httpAdapter);
  }
}
