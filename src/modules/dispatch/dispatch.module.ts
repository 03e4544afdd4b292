import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertChannelEntity } from '../alert/alert-channel.entity.js';
import { AlertModule } from '../alert/alert.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { DispatchAlertController } from './dispatch-alert.controller.js';
import { DispatchAlertService } from './dispatch-alert.service.js';
import { DispatchApiController } from './dispatch.api.controller.js';
import { DispatchController } from './dispatch.controller.js';
import { DispatchPageModels } from './dispatch-page.models.js';
import { DispatchAlertEntity, DispatchEntity } from './dispatch.entity.js';
import './dispatch.i18n.js';
import { DispatchService } from './dispatch.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([DispatchEntity, DispatchAlertEntity, AlertChannelEntity, InterfaceEntity]),
    AuditModule,
    AlertModule,
  ],
  controllers: [DispatchController, DispatchAlertController, DispatchApiController],
  providers: [DispatchService, DispatchAlertService, DispatchPageModels],
  exports: [DispatchService, DispatchAlertService],
})
export class DispatchModule {}
