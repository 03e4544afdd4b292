import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { SecretBox } from '../../infra/crypto/secret-box.js';
import type { HostState } from '../exec-host/exec-host.entity.js';
import { EngineDb, toDateOrNull, toNumber, toText } from './engine-db.js';

/** What the engine knows of an exec host: definition, decrypted token and live status. */
export interface EngineHost {
  id: number;
  name: string;
  address: string;
  token: string;
  slots: number;
  enabled: boolean;
  tags: string[];
  state: HostState;
  lastSeenAt: Date | null;
}

const REFRESH_MS = 1000;

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * The hosts as the engine sees them, re-read at most once a second (every portal instance reads the
 * same tables). Also authenticates exec nodes calling back: the host's own token, or exec.token.
 */
@Injectable()
export class HostRegistryService {
  private readonly logger = new Logger(HostRegistryService.name);
  private cache: EngineHost[] = [];
  private digests = new Map<number, Buffer>();
  private loadedAt = 0;
  private loading: Promise<EngineHost[]> | null = null;
  private readonly sharedDigest: Buffer | null;

  constructor(
    private readonly db: EngineDb,
    private readonly box: SecretBox,
    config: AppConfig,
  ) {
    const shared = config.values.exec.token;
    this.sharedDigest = shared ? digest(shared) : null;
  }

  async hosts(maxAgeMs = REFRESH_MS): Promise<EngineHost[]> {
    if (Date.now() - this.loadedAt <= maxAgeMs) return this.cache;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** The hosts as last read, without reading (for use inside a transaction). */
  cached(): EngineHost[] {
    return this.cache;
  }

  async host(id: number): Promise<EngineHost | undefined> {
    return (await this.hosts()).find((host) => host.id === id);
  }

  /** Forget the cache (a host was changed or came online). */
  invalidate(): void {
    this.loadedAt = 0;
  }

  /** Applies a status change seen by this instance at once, before the next refresh. */
  noteStatus(hostId: number, state: HostState, lastSeenAt: Date): void {
    const host = this.cache.find((item) => item.id === hostId);
    if (host) Object.assign(host, { state, lastSeenAt });
  }

  /**
   * Who is calling back: `{ hostId }` for a host's own token, `{ hostId: null }` for the shared
   * exec.token (the host is then named by the node), null otherwise. Every digest is compared in
   * constant time.
   */
  async authenticate(token: string): Promise<{ hostId: number | null } | null> {
    const given = digest(token);
    let match = this.matchHost(given);
    if (match === null) {
      await this.hosts(250);
      match = this.matchHost(given);
    }
    if (match !== null) return { hostId: match };
    if (this.sharedDigest && timingSafeEqual(given, this.sharedDigest)) return { hostId: null };
    return null;
  }

  private matchHost(given: Buffer): number | null {
    let found: number | null = null;
    for (const [hostId, expected] of this.digests) {
      if (timingSafeEqual(given, expected) && found === null) found = hostId;
    }
    return found;
  }

  private async load(): Promise<EngineHost[]> {
    const { hosts, tags } = await this.db.read(async (sql) => ({
      hosts: await sql.rows<Record<string, unknown>>(
        'SELECT h.id, h.name, h.address, h.token_encrypted, h.slots, h.enabled, s.state, s.last_seen_at ' +
          'FROM exec_host h LEFT JOIN exec_host_status s ON s.host_id = h.id ORDER BY h.id',
      ),
      tags: await sql.rows<{ host_id: unknown; tag: string }>('SELECT host_id, tag FROM exec_host_tag ORDER BY tag'),
    }));
    const digests = new Map<number, Buffer>();
    const loaded = hosts.map((row): EngineHost => {
      const id = toNumber(row.id);
      let token = '';
      try {
        token = this.box.decrypt(toText(row.token_encrypted, ''));
      } catch {
        this.logger.warn(`exec host ${String(row.name)}: its token cannot be decrypted (another encryption key?)`);
      }
      if (token) digests.set(id, digest(token));
      return {
        id,
        name: String(row.name),
        address: String(row.address),
        token,
        slots: toNumber(row.slots),
        enabled: toNumber(row.enabled) === 1,
        tags: tags.filter((tag) => toNumber(tag.host_id) === id).map((tag) => tag.tag),
        state: (row.state as HostState | null) ?? 'unknown',
        lastSeenAt: toDateOrNull(row.last_seen_at),
      };
    });
    this.cache = loaded;
    this.digests = digests;
    this.loadedAt = Date.now();
    return loaded;
  }
}
