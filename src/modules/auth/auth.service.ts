import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { LessThan, type DataSource, type Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { AppSettingEntity } from '../../infra/database/app-setting.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { UserEntity } from '../users/user.entity.js';
import { SessionEntity } from './session.entity.js';
import { UsersService } from '../users/users.service.js';
import { dummyPasswordHash, generatePassword, verifyPassword } from './password.js';

export type LoginResult =
  { ok: true; user: UserEntity } | { ok: false; reason: 'failed' | 'locked' | 'disabled' | 'throttled' };

/** Failures per client address in a window: slows down guessing across many user names. */
class AddressThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  blocked(address: string): boolean {
    const entry = this.failures.get(address);
    if (!entry) return false;
    if (Date.now() - entry.since > this.windowMs) {
      this.failures.delete(address);
      return false;
    }
    return entry.count >= this.limit;
  }

  fail(address: string): void {
    const entry = this.failures.get(address);
    if (!entry || Date.now() - entry.since > this.windowMs) this.failures.set(address, { count: 1, since: Date.now() });
    else entry.count++;
    if (this.failures.size > 10_000) this.failures.clear();
  }
}

@Injectable()
export class AuthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuthService.name);
  private readonly throttle = new AddressThrottle(50, 15 * 60_000);
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly usersService: UsersService,
    private readonly audit: AuditService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AppSettingEntity) private readonly settings: Repository<AppSettingEntity>,
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
    this.purgeTimer = setInterval(() => void this.purgeExpiredSessions(), 10 * 60_000);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /** Expired sessions are never served (the store checks), this only keeps the table small. */
  async purgeExpiredSessions(): Promise<number> {
    try {
      const result = await this.sessions.delete({ expiresAt: LessThan(new Date()) });
      return result.affected ?? 0;
    } catch (error) {
      this.logger.warn(`session purge failed: ${(error as Error).message}`);
      return 0;
    }
  }

  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    if (this.throttle.blocked(ip)) return { ok: false, reason: 'throttled' };
    const user = await this.usersService.findByUsername(username);
    // Hash even for unknown users so response time does not tell which names exist.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    const actor = { userId: user?.id ?? null, username: username.slice(0, 64) };
    if (user && user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.audit.record({ actor, action: 'login_locked', targetType: 'user', targetId: user.id, ip });
      return { ok: false, reason: 'locked' };
    }
    if (!user || !valid) {
      this.throttle.fail(ip);
      if (user) await this.recordFailure(user);
      await this.audit.record({ actor, action: 'login_failed', targetType: 'user', targetId: user?.id, ip });
      return { ok: false, reason: 'failed' };
    }
    if (!user.enabled) {
      await this.audit.record({ actor, action: 'login_disabled', targetType: 'user', targetId: user.id, ip });
      return { ok: false, reason: 'disabled' };
    }
    await this.users.update({ id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() });
    await this.audit.record({
      actor,
      action: 'login',
      targetType: 'user',
      targetId: user.id,
      targetName: user.username,
      ip,
    });
    return { ok: true, user };
  }

  private async recordFailure(user: UserEntity): Promise<void> {
    const { maxFailedLogins, lockoutMinutes } = this.config.values.auth;
    // Increment in SQL so concurrent failures are all counted.
    await this.users.increment({ id: user.id }, 'failedLogins', 1);
    const failures = user.failedLogins + 1;
    if (failures >= maxFailedLogins) {
      await this.users.update(
        { id: user.id },
        { lockedUntil: new Date(Date.now() + lockoutMinutes * 60_000), failedLogins: 0 },
      );
    }
  }

  /** Creates the bootstrap admin on first start (no users at all), from config or a generated password. */
  private async ensureAdmin(): Promise<void> {
    if ((await this.usersService.count()) > 0) return;
    const { adminUser, adminPassword } = this.config.values.auth;
    const password = adminPassword || generatePassword();
    try {
      await this.usersService.create(
        { username: adminUser, password, role: 'admin', displayName: 'Administrator' },
        { userId: null, username: '(system)' },
      );
    } catch (error) {
      // Another instance created it at the same moment.
      if ((await this.usersService.count()) > 0) return;
      throw error;
    }
    if (adminPassword) {
      this.logger.log(`created admin user "${adminUser}" with the configured password`);
    } else {
      // Printed once, to the console only, so the operator can log in the first time.
      process.stdout.write(
        `\n  Meshcron created the admin user.\n    user:     ${adminUser}\n    password: ${password}\n  Change it after the first login.\n\n`,
      );
    }
  }

  /** The session secret: from config, or generated once and shared by all instances via the database. */
  async sessionSecret(): Promise<string> {
    const configured = this.config.values.auth.sessionSecret;
    if (configured) return configured;
    const name = 'session_secret';
    const existing = await this.settings.findOneBy({ name });
    if (existing) return existing.value;
    const value = randomBytes(48).toString('base64url');
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AppSettingEntity)
      .values({ name, value, updatedAt: new Date() })
      .orIgnore()
      .execute();
    const stored = await this.settings.findOneByOrFail({ name });
    return stored.value;
  }
}
