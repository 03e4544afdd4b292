import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditApiController, AuditController } from './audit.controller.js';
import { AuditLogEntity } from './audit-log.entity.js';
import { AuditService } from './audit.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity])],
  controllers: [AuditController, AuditApiController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
