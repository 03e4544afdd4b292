import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LockModule } from '../../infra/lock/lock.module.js';
import { FireRepository } from './fire.repository.js';
import { FireService } from './fire.service.js';
import { SchedulerService } from './scheduler.service.js';

/**
 * Fires dispatches on time, exactly once across portal instances. Needs an ExecutionStarter
 * provider somewhere in the application (the execution engine); exports SchedulerService so the
 * dispatch module can call resync() after a change.
 */
@Module({
  imports: [ScheduleModule.forRoot(), LockModule],
  providers: [FireRepository, FireService, SchedulerService],
  exports: [SchedulerService],
})
export class SchedulerModule {}
