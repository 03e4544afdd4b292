import { AlertChannelEntity } from '../../modules/alert/alert-channel.entity.js';
import { AuditLogEntity } from '../../modules/audit/audit-log.entity.js';
import { SessionEntity } from '../../modules/auth/session.entity.js';
import { DispatchAlertEntity, DispatchEntity } from '../../modules/dispatch/dispatch.entity.js';
import { ExecHostEntity, ExecHostStatusEntity, ExecHostTagEntity } from '../../modules/exec-host/exec-host.entity.js';
import { InterfaceDependencyEntity, InterfaceEntity } from '../../modules/interface/interface.entity.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../../modules/job/job.entity.js';
import { ApiTokenEntity } from '../../modules/users/api-token.entity.js';
import { UserEntity } from '../../modules/users/user.entity.js';
import { AppSettingEntity } from './app-setting.entity.js';

/** Every entity of the portal; migrations must produce exactly this schema (checked by a test). */
export const entities = [
  UserEntity,
  ApiTokenEntity,
  SessionEntity,
  AuditLogEntity,
  AppSettingEntity,
  InterfaceEntity,
  InterfaceDependencyEntity,
  JobEntity,
  JobParamEntity,
  JobDependencyEntity,
  ExecHostEntity,
  ExecHostTagEntity,
  ExecHostStatusEntity,
  AlertChannelEntity,
  DispatchEntity,
  DispatchAlertEntity,
];
