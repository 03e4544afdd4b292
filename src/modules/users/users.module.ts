import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { SessionEntity } from '../auth/session.entity.js';
import { ApiTokenEntity } from './api-token.entity.js';
import { GroupsApiController } from './groups.api.controller.js';
import { GroupsController } from './groups.controller.js';
import { GroupsService } from './groups.service.js';
import './groups.i18n.js';
import { ProfileApiController, ProfileController } from './profile.controller.js';
import { UserEntity } from './user.entity.js';
import { UsersApiController } from './users.api.controller.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, ApiTokenEntity, SessionEntity]), AuditModule],
  controllers: [
    GroupsController,
    GroupsApiController,
    UsersController,
    UsersApiController,
    ProfileController,
    ProfileApiController,
  ],
  providers: [UsersService, GroupsService],
  exports: [UsersService, GroupsService],
})
export class UsersModule {}
