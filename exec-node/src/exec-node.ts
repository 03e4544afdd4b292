import { readFileSync } from 'node:fs';

import type { ExecNodeConfig } from './config.js';
import type { FluentSink } from './fluent-sink.js';
import { collectHostInfo, type HostInfo } from './host-info.js';
import { Journal } from './journal.js';
import { LogBatcher } from './log-batcher.js';
import { errorText, type Logger } from './logger.js';
import { registerMethods } from './methods.js';
import { OutboxReporter, type WakeReason } from './outbox-reporter.js';
import { PortalClient } from './portal-client.js';
import { Presence } from './presence.js';
import { readBootId } from './process-group.js';
import { recoverRuns } from './recovery.js';
import { JsonRpcDispatcher } from './rpc-protocol.js';
import { RpcServer } from './rpc-server.js';
import { Runner } from './runner.js';

const DRAINING_KEY = 'draining';
const PRUNE_INTERVAL_MS = 3600_000;
const SHUTDOWN_FLUSH_MS = 5000;

export const NODE_VERSION = readVersion();

interface Parts {
  journal: Journal;
  batcher: LogBatcher;
  runner: Runner;
  server: RpcServer;
  reporter: OutboxReporter | null;
  presence: Presence | null;
  fluent: FluentSink | null;
  client: PortalClient | null;
}

/** Composition root: builds the parts, recovers the journal, then opens the RPC port. */
export class ExecNode {
  private pruneTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  port = 0;

  private constructor(
    private readonly config: ExecNodeConfig,
    private readonly parts: Parts,
    private readonly logger: Logger,
  ) {}

  static async start(config: ExecNodeConfig, baseEnv: Record<string, string>, logger: Logger): Promise<ExecNode> {
    const journal = new Journal(config.dataDir);
    const reporting = config.portalUrl !== '';
    recoverRuns(journal, config.name, reporting, logger.child('recovery'));
    const client = reporting ? new PortalClient(config.portalUrl, config.portalToken) : null;
    const reporter =
      client === null
        ? null
        : new OutboxReporter(journal, client, logger.child('outbox'), {
            retryMaxMs: config.retryMaxMs,
            maxBatchRows: 500,
            maxBatchBytes: 1024 * 1024,
            startedHoldMs: config.startedHoldMs,
          });
    const wake = (reason?: WakeReason): void => reporter?.wake(reason);
    // Loaded only when used: every MB the node holds makes each fork() of a job slower.
    const fluent = config.fluent.enabled
      ? new (await import('./fluent-sink.js')).FluentSink(config.fluent, config.name, logger.child('fluent'))
      : null;
    const batcher = new LogBatcher(
      journal,
      {
        nodeName: config.name,
        batchMs: config.logBatchMs,
        batchLines: config.logBatchLines,
        batchBytes: 256 * 1024,
        emitEvents: reporting && fluent === null,
      },
      fluent,
      wake,
    );
    const bootId = readBootId();
    const runner = new Runner({
      config,
      journal,
      batcher,
      logger: logger.child('runner'),
      baseEnv,
      bootId,
      reportEvents: reporting,
      onEvent: wake,
    });
    runner.draining = journal.getMeta(DRAINING_KEY) === 'true';
    const node = new ExecNode(
      config,
      {
        journal,
        batcher,
        runner,
        reporter,
        fluent,
        client,
        presence: null,
        server: null as unknown as RpcServer,
      },
      logger,
    );
    node.parts.server = node.buildServer();
    node.parts.presence = client === null ? null : node.buildPresence(client);
    await node.open();
    return node;
  }

  /** Stops accepting, ends active runs (recorded as lost), flushes the outbox for a moment, closes the journal. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  hostInfo(): HostInfo {
    return collectHostInfo({
      nodeName: this.config.name,
      version: NODE_VERSION,
      dataDir: this.config.dataDir,
      slotsTotal: this.config.slots,
      slotsUsed: this.parts.runner.slotsUsed,
      draining: this.parts.runner.draining,
      outboxPending: this.parts.journal.outboxSize(),
    });
  }

  private buildServer(): RpcServer {
    const dispatcher = new JsonRpcDispatcher((method, error) =>
      this.logger.error(`${method} failed: ${errorText(error)}`),
    );
    registerMethods(dispatcher, {
      journal: this.parts.journal,
      runner: this.parts.runner,
      allowedWorkDirs: this.config.allowedWorkDirs,
      hostInfo: () => this.hostInfo(),
      setDraining: (draining) => this.setDraining(draining),
    });
    const health = (): Record<string, unknown> => ({
      status: 'ok',
      name: this.config.name,
      version: NODE_VERSION,
      draining: this.parts.runner.draining,
      slots: { total: this.config.slots, used: this.parts.runner.slotsUsed },
    });
    return new RpcServer(
      dispatcher,
      { token: this.config.token, maxBodyBytes: this.config.maxBodyBytes, health },
      this.logger.child('rpc'),
    );
  }

  private buildPresence(client: PortalClient): Presence {
    const source = {
      nodeName: this.config.name,
      version: NODE_VERSION,
      rpcPort: () => this.port,
      hostInfo: () => this.hostInfo(),
      heldRuns: () =>
        this.parts.journal.heldRuns().map((row) => ({ runId: row.run_id, attempt: row.attempt, state: row.state })),
    };
    return new Presence(client, source, this.config.heartbeatMs, this.logger.child('presence'));
  }

  private async open(): Promise<void> {
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.port = await this.parts.server.listen(this.config.host, this.config.port);
    this.parts.presence?.start();
    this.parts.reporter?.wake();
    const reporting =
      this.config.portalUrl === '' ? 'not reporting (portalUrl empty)' : `reporting to ${this.config.portalUrl}`;
    this.logger.notice(
      `exec node ${this.config.name} ${NODE_VERSION} listening on http://${this.config.host}:${this.port}, ${reporting}`,
    );
  }

  private setDraining(draining: boolean): void {
    this.parts.runner.draining = draining;
    this.parts.journal.setMeta(DRAINING_KEY, draining ? 'true' : undefined);
    this.logger.info(draining ? 'draining: no new runs accepted' : 'accepting runs again');
  }

  private prune(): void {
    const removed = this.parts.journal.prune(Date.now() - this.config.journalRetentionHours * 3600_000);
    if (removed > 0)
      this.logger.info(`pruned ${removed} finished run(s) older than ${this.config.journalRetentionHours} h`);
  }

  private async shutdown(): Promise<void> {
    this.logger.notice('shutting down');
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer);
    const closing = this.parts.server.close();
    this.parts.presence?.stop();
    await this.parts.runner.shutdown();
    this.parts.batcher.close();
    await this.parts.reporter?.stop(SHUTDOWN_FLUSH_MS);
    await this.parts.fluent?.close();
    this.parts.client?.close();
    await closing;
    this.parts.journal.close();
    this.logger.notice('stopped');
  }
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
