import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { JobApiController } from './job.api.controller.js';
import { JobController } from './job.controller.js';
import { JobDeleteService } from './job-delete.service.js';
import { JobFormService } from './job-form.service.js';
import { JobQueryService } from './job-query.service.js';
import { JobReferenceChecker } from './job-reference.checker.js';
import { JobService } from './job.service.js';
import './job.i18n.js';

/** Jobs: params, prerequisites across interfaces (the job mesh), pages and JSON API. */
@Module({
  imports: [AuditModule],
  controllers: [JobController, JobApiController],
  providers: [JobService, JobReferenceChecker, JobQueryService, JobDeleteService, JobFormService],
  exports: [JobQueryService],
})
export class JobModule {}
