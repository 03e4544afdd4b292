import { Store, type SessionData } from 'express-session';
import type { Repository } from 'typeorm';
import { SessionEntity } from './session.entity.js';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/** express-session store on the portal database, so every instance sees every session. */
export class DatabaseSessionStore extends Store {
  constructor(
    private readonly sessions: Repository<SessionEntity>,
    private readonly lifetimeMs: number,
  ) {
    super();
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.run(callback, async () => {
      const row = await this.sessions.findOneBy({ sid });
      if (!row || row.expiresAt.getTime() <= Date.now()) return null;
      return JSON.parse(row.data) as SessionData;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.run(callback, async () => {
      const expiresAt = new Date(session.cookie.expires?.getTime() ?? Date.now() + this.lifetimeMs);
      await this.sessions.upsert({ sid, userId: session.userId ?? null, expiresAt, data: JSON.stringify(session) }, [
        'sid',
      ]);
    });
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    this.run(callback, async () => {
      const expiresAt = new Date(session.cookie.expires?.getTime() ?? Date.now() + this.lifetimeMs);
      await this.sessions.update({ sid }, { expiresAt });
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    this.run(callback, async () => {
      await this.sessions.delete({ sid });
    });
  }

  private run<T>(callback: Callback<T> | undefined, work: () => Promise<T>): void {
    work().then(
      (value) => callback?.(undefined, value),
      (error: unknown) => callback?.(error),
    );
  }
}
