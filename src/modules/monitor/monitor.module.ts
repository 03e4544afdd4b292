import { Module } from '@nestjs/common';
import { ExecutionQueryService } from '../execution/execution-query.service.js';
import { ExecutionGraphService } from './execution-graph.service.js';
import { ExpectedDurations } from './expected-durations.js';
import { HistoryApiController, HistoryController } from './history.controller.js';
import { HistoryService } from './history.service.js';
import { MonitorApiController, MonitorController } from './monitor.controller.js';
import { MonitorService } from './monitor.service.js';
import './monitor.i18n.js';

/** The home page (execution monitor), the live execution graph API and the history pages. */
@Module({
  controllers: [MonitorController, MonitorApiController, HistoryController, HistoryApiController],
  providers: [MonitorService, ExpectedDurations, ExecutionGraphService, HistoryService, ExecutionQueryService],
})
export class MonitorModule {}
