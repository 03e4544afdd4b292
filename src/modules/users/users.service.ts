import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, type Repository } from 'typeorm';
import { ROLE_PERMISSIONS, type Principal } from '../../common/auth/permissions.js';
import { containsPattern, LIKE_ESCAPE } from '../../common/db/like.js';
import { AppException, ValidationException, notFound } from '../../common/http/app.exception.js';
import { isLanguage } from '../../common/i18n/i18n.js';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password.js';
import { SessionEntity } from '../auth/session.entity.js';
import { ApiTokenEntity } from './api-token.entity.js';
import { ROLES, UserEntity, type Role } from './user.entity.js';

export interface UserInput {
  username?: string;
  displayName?: string;
  email?: string;
  role?: Role;
  enabled?: boolean;
  language?: string;
  password?: string;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function toPrincipal(user: UserEntity, via: Principal['via']): Principal {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName || user.username,
    role: user.role,
    permissions: ROLE_PERMISSIONS[user.role],
    language: user.language,
    via,
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly audit: AuditService,
  ) {}

  notFound(): never {
    throw notFound('user');
  }

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ username });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async list(page: number, pageSize: number, search?: string): Promise<{ rows: UserEntity[]; total: number }> {
    const builder = this.users.createQueryBuilder('u').orderBy('u.username', 'ASC');
    if (search) {
      builder.where(`(u.username LIKE :search ${LIKE_ESCAPE} OR u.display_name LIKE :search ${LIKE_ESCAPE})`, {
        search: containsPattern(search),
      });
    }
    const [rows, total] = await builder
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { rows, total };
  }

  async create(input: UserInput, actor: AuditEntry['actor'], ip = ''): Promise<UserEntity> {
    const fields = this.check(input, true);
    if (await this.findByUsername(input.username!)) fields.username = 'is already taken';
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    const now = new Date();
    const user = this.users.create({
      username: input.username!,
      displayName: input.displayName ?? '',
      email: input.email ?? '',
      role: input.role!,
      enabled: input.enabled ?? true,
      language: input.language ?? '',
      passwordHash: await hashPassword(input.password!),
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.users.insert(user);
    await this.audit.record({
      actor,
      action: 'create',
      targetType: 'user',
      targetId: user.id,
      targetName: user.username,
      ip,
    });
    return user;
  }

  async update(id: number, input: UserInput, actor: Principal, ip = ''): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw notFound('user');
    const fields = this.check(input, false);
    if (Object.keys(fields).length > 0) throw new ValidationException(fields);
    if (
      user.id === actor.userId &&
      (input.enabled === false || (input.role && input.role !== 'admin' && user.role === 'admin'))
    ) {
      throw new AppException('CONFLICT', 'you cannot disable yourself or drop your own admin role');
    }
    const changes: Partial<UserEntity> = { updatedAt: new Date() };
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.email !== undefined) changes.email = input.email;
    if (input.role !== undefined) changes.role = input.role;
    if (input.language !== undefined) changes.language = input.language;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    await this.users.update({ id }, changes);
    // A disabled user is logged out everywhere at once.
    if (input.enabled === false) await this.sessions.delete({ userId: id });
    const detail = Object.fromEntries(Object.entries(changes).filter(([key]) => key !== 'updatedAt'));
    await this.audit.record({
      actor,
      action: 'update',
      targetType: 'user',
      targetId: id,
      targetName: user.username,
      detail,
      ip,
    });
    return { ...user, ...changes };
  }

  /** Sets a new password, unlocks the account and ends the user's other sessions. */
  async setPassword(id: number, password: string, actor: Principal & { sessionId?: string }, ip = ''): Promise<void> {
    const user = await this.findById(id);
    if (!user) throw notFound('user');
    const problem = passwordProblem(password);
    if (problem) throw new ValidationException({ password: problem });
    await this.users.update(
      { id },
      { passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null, updatedAt: new Date() },
    );
    // Other sessions of that user end; the caller's own session survives a change of its own password.
    const keep = actor.userId === id ? { sid: Not(actor.sessionId ?? '') } : {};
    await this.sessions.delete({ userId: id, ...keep });
    await this.audit.record({
      actor,
      action: 'password',
      targetType: 'user',
      targetId: id,
      targetName: user.username,
      ip,
    });
  }

  /** A user changing their own password must know the current one. */
  async changeOwnPassword(
    actor: Principal & { sessionId?: string },
    current: string,
    next: string,
    ip = '',
  ): Promise<void> {
    const user = await this.findById(actor.userId);
    if (!user) throw notFound('user');
    if (!(await verifyPassword(current, user.passwordHash))) {
      throw new ValidationException({ currentPassword: 'is not your current password' });
    }
    await this.setPassword(actor.userId, next, actor, ip);
  }

  private check(input: UserInput, creating: boolean): Record<string, string> {
    const fields: Record<string, string> = {};
    if (creating || input.username !== undefined) {
      if (!input.username || !/^[A-Za-z0-9_.@-]{1,64}$/.test(input.username)) {
        fields.username = 'must be 1-64 letters, digits or _ . @ -';
      }
    }
    if (creating || input.role !== undefined) {
      if (!input.role || !ROLES.includes(input.role)) fields.role = `must be one of ${ROLES.join(', ')}`;
    }
    if (input.displayName !== undefined && input.displayName.length > 128)
      fields.displayName = 'must be at most 128 characters';
    if (input.email !== undefined && input.email !== '' && !/^[^\s@]+@[^\s@]+$/.test(input.email)) {
      fields.email = 'must be an email address';
    }
    if (input.language !== undefined && input.language !== '' && !isLanguage(input.language)) {
      fields.language = 'must be en, zh-CN or empty';
    }
    if (creating) {
      const problem = input.password === undefined ? 'is required' : passwordProblem(input.password);
      if (problem) fields.password = problem;
    }
    return fields;
  }

  // --- API tokens -------------------------------------------------------------------------

  async createToken(
    userId: number,
    name: string,
    actor: Principal,
    ip = '',
  ): Promise<{ token: string; row: ApiTokenEntity }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 128) throw new ValidationException({ name: 'must be 1-128 characters' });
    const token = `mc_${randomBytes(32).toString('base64url')}`;
    const row = this.tokens.create({
      userId,
      name: trimmed,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    await this.tokens.insert(row);
    await this.audit.record({
      actor,
      action: 'create',
      targetType: 'api_token',
      targetId: row.id,
      targetName: trimmed,
      ip,
    });
    return { token, row };
  }

  listTokens(userId: number): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { userId }, order: { id: 'DESC' } });
  }

  async revokeToken(userId: number, tokenId: number, actor: Principal, ip = ''): Promise<void> {
    const result = await this.tokens.update({ id: tokenId, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!result.affected) throw notFound('active token');
    await this.audit.record({ actor, action: 'revoke', targetType: 'api_token', targetId: tokenId, ip });
  }

  /** The user behind a bearer token, if the token is valid, unrevoked, unexpired and the user enabled. */
  async authenticateToken(token: string): Promise<UserEntity | null> {
    if (!token.startsWith('mc_') || token.length > 100) return null;
    const row = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() < Date.now())) return null;
    const user = await this.findById(row.userId);
    if (!user || !user.enabled) return null;
    // Recording every use would write on every request; once a minute is enough to show activity.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.tokens.update({ id: row.id }, { lastUsedAt: new Date() });
    }
    return user;
  }
}
