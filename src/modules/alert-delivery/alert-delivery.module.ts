import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertChannelEntity } from '../alert/alert-channel.entity.js';
import { AlertModule } from '../alert/alert.module.js';
import { EngineBaseModule } from '../execution/engine-base.module.js';
import { AlertDeliveryService } from './alert-delivery.service.js';
import { AlertOutboxService } from './alert-outbox.service.js';

/** Durable alert outbox: rows written with the state change that causes them, delivered with retries. */
@Module({
  imports: [TypeOrmModule.forFeature([AlertChannelEntity]), AlertModule, EngineBaseModule],
  providers: [AlertOutboxService, AlertDeliveryService],
  exports: [AlertOutboxService],
})
export class AlertDeliveryModule {}
