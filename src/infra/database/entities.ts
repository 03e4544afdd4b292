import { AuditLogEntity } from '../../modules/audit/audit-log.entity.js';
import { SessionEntity } from '../../modules/auth/session.entity.js';
import { ApiTokenEntity } from '../../modules/users/api-token.entity.js';
import { UserEntity } from '../../modules/users/user.entity.js';
import { AppSettingEntity } from './app-setting.entity.js';

/** Every entity of the portal; migrations must produce exactly this schema (checked by a test). */
export const entities = [UserEntity, ApiTokenEntity, SessionEntity, AuditLogEntity, AppSettingEntity];
