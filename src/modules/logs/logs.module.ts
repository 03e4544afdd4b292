import { Module } from '@nestjs/common';
import { LogsApiController } from './logs.api.controller.js';
import { LogsController } from './logs.controller.js';
import { RunLogQuery } from './run-log-query.js';
import './logs.i18n.js';

/** The job log viewer: page, search, first error, download and the live tail (LogStore from ExecutionModule). */
@Module({
  controllers: [LogsController, LogsApiController],
  providers: [RunLogQuery],
})
export class LogsModule {}
