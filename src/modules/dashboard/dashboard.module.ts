import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DashboardApiController, DashboardController } from './dashboard.controller.js';
import './dashboard.i18n.js';
import { DashboardService } from './dashboard.service.js';
import { RunStatWindows } from './run-stat-window.js';

/** `/dashboard`: run statistics per UTC day from the rollup tables, and exec host load. */
@Module({
  imports: [AuditModule],
  controllers: [DashboardController, DashboardApiController],
  providers: [DashboardService, RunStatWindows],
})
export class DashboardModule {}
