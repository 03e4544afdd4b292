import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { BackfillApiController } from './backfill.api.controller.js';
import { BackfillController } from './backfill.controller.js';
import { BackfillService } from './backfill.service.js';
import './backfill.i18n.js';

/** Backfills: a dispatch run over a range of data dates with a cap on executions at once. */
@Module({
  imports: [AuditModule],
  controllers: [BackfillController, BackfillApiController],
  providers: [BackfillService],
})
export class BackfillModule {}
