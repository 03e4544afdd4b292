import { AlertChannelEntity } from '../../modules/alert/alert-channel.entity.js';
import { AlertOutboxEntity } from '../../modules/alert-delivery/alert-outbox.entity.js';
import { AuditLogEntity } from '../../modules/audit/audit-log.entity.js';
import { SessionEntity } from '../../modules/auth/session.entity.js';
import {
  RunStatHostDayEntity,
  RunStatJobDayEntity,
  RunStatJobWindowEntity,
} from '../../modules/dashboard/run-stat.entity.js';
import { DispatchAlertEntity, DispatchEntity } from '../../modules/dispatch/dispatch.entity.js';
import { ExecutionEntity, ExecutionInterfaceEntity } from '../../modules/execution/execution.entity.js';
import {
  JobRunDependencyEntity,
  JobRunEntity,
  JobRunTransitionEntity,
} from '../../modules/execution/job-run.entity.js';
import { JobDurationStatEntity } from '../../modules/execution/job-duration-stat.entity.js';
import { JobLogEntity } from '../../modules/execution/logs/job-log.entity.js';
import { ExecHostEntity, ExecHostStatusEntity, ExecHostTagEntity } from '../../modules/exec-host/exec-host.entity.js';
import { InterfaceDependencyEntity, InterfaceEntity } from '../../modules/interface/interface.entity.js';
import { JobDependencyEntity, JobEntity, JobParamEntity } from '../../modules/job/job.entity.js';
import { NodeEventEntity } from '../../modules/node-rpc/node-event.entity.js';
import { BackfillDateEntity, BackfillEntity } from '../../modules/backfill/backfill.entity.js';
import { DispatchFireEntity } from '../../modules/scheduler/dispatch-fire.entity.js';
import { ApiTokenEntity } from '../../modules/users/api-token.entity.js';
import { UserGroupEntity, UserGroupMemberEntity } from '../../modules/users/user-group.entity.js';
import { UserEntity } from '../../modules/users/user.entity.js';
import { AppSettingEntity } from './app-setting.entity.js';

/** Every entity of the portal; migrations must produce exactly this schema (checked by a test). */
export const entities = [
  UserEntity,
  ApiTokenEntity,
  UserGroupEntity,
  UserGroupMemberEntity,
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
  ExecutionEntity,
  BackfillEntity,
  BackfillDateEntity,
  ExecutionInterfaceEntity,
  JobRunEntity,
  JobRunDependencyEntity,
  JobRunTransitionEntity,
  RunStatJobDayEntity,
  RunStatHostDayEntity,
  RunStatJobWindowEntity,
  JobDurationStatEntity,
  NodeEventEntity,
  JobLogEntity,
  AlertOutboxEntity,
  DispatchFireEntity,
];
