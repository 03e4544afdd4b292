import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PROJECT_ROOT } from '../../common/paths.js';
import { AppConfig } from '../../config/app-config.js';
import { ExecHostEntity } from '../../modules/exec-host/exec-host.entity.js';
import { SecretBox } from '../crypto/secret-box.js';

/** The portal's log level (log.level) as the exec node's (execNode.logLevel), for the local node's lines. */
const NODE_LOG_LEVEL = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'debug' } as const;

export const LOCAL_HOST_NAME = 'local';
const MAX_BACKOFF_MS = 30_000;

/**
 * The embedded default's exec node: a child process on 127.0.0.1 that the portal starts, registers
 * as exec host "local", restarts with back-off when it dies, and stops on shutdown.
 */
@Injectable()
export class LocalExecNodeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LocalExecNodeService.name);
  private child: ChildProcess | undefined;
  private stopping = false;
  private backoffMs = 1000;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    @InjectRepository(ExecHostEntity) private readonly hosts: Repository<ExecHostEntity>,
  ) {}

  get entryPoint(): string {
    return join(PROJECT_ROOT, 'exec-node', 'dist', 'src', 'main.js');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.values.exec.localNode) return;
    if (!existsSync(this.entryPoint)) {
      this.logger.error(`local exec node not built (${this.entryPoint} missing): run "npm run build"`);
      return;
    }
    const token = this.token();
    await this.register(token);
    this.start(token);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** The node's token: generated once, kept beside the embedded data, readable by the owner only. */
  private token(): string {
    const path = join(this.config.dataDir, 'local-exec-node.token');
    if (!existsSync(path)) {
      mkdirSync(this.config.dataDir, { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    }
    return readFileSync(path, 'utf8').trim();
  }

  private async register(token: string): Promise<void> {
    const { localNodePort, localNodeSlots } = this.config.values.exec;
    const box = SecretBox.fromConfig(this.config.values.auth.encryptionKey, this.config.dataDir);
    const address = `http://127.0.0.1:${localNodePort}`;
    const existing = await this.hosts.findOneBy({ name: LOCAL_HOST_NAME });
    const now = new Date();
    if (existing) {
      await this.hosts.update(
        { id: existing.id },
        { address, tokenEncrypted: box.encrypt(token), slots: localNodeSlots, updatedAt: now },
      );
      return;
    }
    await this.hosts.insert({
      name: LOCAL_HOST_NAME,
      address,
      tokenEncrypted: box.encrypt(token),
      slots: localNodeSlots,
      enabled: true,
      description: 'Exec node started by the portal (embedded default)',
      createdAt: now,
      updatedAt: now,
      updatedBy: '(system)',
    });
  }

  private start(token: string): void {
    const { localNodePort, localNodeSlots } = this.config.values.exec;
    const nodeDir = join(this.config.dataDir, 'exec-node');
    mkdirSync(nodeDir, { recursive: true });
    const emptyConfig = join(nodeDir, 'superconf.json');
    if (!existsSync(emptyConfig)) writeFileSync(emptyConfig, '{}\n');
    const child = spawn(process.execPath, [this.entryPoint], {
      cwd: nodeDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: process.env.LANG,
        SUPERCONF: emptyConfig,
        EXEC_NODE_TOKEN: token,
        EXEC_NODE_PORT: String(localNodePort),
        SC__EXECNODE__HOST: '127.0.0.1',
        SC__EXECNODE__NAME: LOCAL_HOST_NAME,
        SC__EXECNODE__SLOTS: String(localNodeSlots),
        SC__EXECNODE__DATADIR: join(nodeDir, 'journal'),
        SC__EXECNODE__PORTALURL: this.config.baseUrl,
        SC__EXECNODE__LOGLEVEL: NODE_LOG_LEVEL[this.config.values.log.level],
      },
    });
    this.child = child;
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.logger.log(`[local node] ${line}`);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    child.on('spawn', () => {
      this.logger.log(`local exec node started (pid ${child.pid}, port ${localNodePort})`);
      setTimeout(() => (this.backoffMs = 1000), 60_000).unref();
    });
    child.on('exit', (code, signal) => this.onExit(token, code, signal));
  }

  private onExit(token: string, code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    if (this.stopping) return;
    this.logger.warn(`local exec node exited (${signal ?? `code ${code}`}); restarting in ${this.backoffMs} ms`);
    this.restartTimer = setTimeout(() => this.start(token), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }
}
