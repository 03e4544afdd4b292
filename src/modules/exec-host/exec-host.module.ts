import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretBoxModule } from '../../infra/crypto/secret-box.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { JobEntity } from '../job/job.entity.js';
import { ExecHostApiController } from './exec-host.api.controller.js';
import { ExecHostController } from './exec-host.controller.js';
import { ExecHostEntity, ExecHostStatusEntity, ExecHostTagEntity } from './exec-host.entity.js';
import './exec-host.i18n.js';
import { ExecHostLiveService } from './exec-host-live.service.js';
import { ExecHostProbeService } from './exec-host-probe.service.js';
import { ExecHostRemovalService } from './exec-host-removal.service.js';
import { ExecHostService } from './exec-host.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ExecHostEntity, ExecHostTagEntity, ExecHostStatusEntity, JobEntity]),
    AuditModule,
    SecretBoxModule,
  ],
  controllers: [ExecHostController, ExecHostApiController],
  providers: [ExecHostService, ExecHostRemovalService, ExecHostProbeService, ExecHostLiveService],
  exports: [ExecHostService],
})
export class ExecHostModule {}
