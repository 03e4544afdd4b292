import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretBoxModule } from '../../infra/crypto/secret-box.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { DispatchAlertEntity, DispatchEntity } from '../dispatch/dispatch.entity.js';
import { AlertChannelEntity } from './alert-channel.entity.js';
import { AlertChannelRemovalService } from './alert-channel-removal.service.js';
import { AlertChannelService } from './alert-channel.service.js';
import { AlertSenderService } from './alert-sender.service.js';
import { AlertTestService } from './alert-test.service.js';
import { AlertApiController } from './alert.api.controller.js';
import { AlertController } from './alert.controller.js';
import './alert.i18n.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([AlertChannelEntity, DispatchAlertEntity, DispatchEntity]),
    AuditModule,
    SecretBoxModule,
  ],
  controllers: [AlertController, AlertApiController],
  providers: [AlertChannelService, AlertChannelRemovalService, AlertSenderService, AlertTestService],
  exports: [AlertChannelService, AlertSenderService],
})
export class AlertModule {}
