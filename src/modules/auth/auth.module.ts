import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppSettingEntity } from '../../infra/database/app-setting.entity.js';
import { AuditModule } from '../audit/audit.module.js';
import { UserEntity } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionEntity } from './session.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AppSettingEntity, SessionEntity]), UsersModule, AuditModule],
  controllers: [AuthController],
  providers: [AuthService],
  exports: [AuthService],
})
export class AuthModule {}
