import type { HostInfo } from './host-info.js';
import { errorText, type Logger } from './logger.js';
import type { PortalClient } from './portal-client.js';
import type { RunState } from './types.js';

export interface PresenceSource {
  nodeName: string;
  version: string;
  rpcPort: () => number;
  hostInfo: () => HostInfo;
  heldRuns: () => { runId: string; attempt: number; state: RunState }[];
}

/**
 * node.register once at start (retried until acknowledged), then node.heartbeat every heartbeatMs.
 * These are status, not history: they are sent directly, not through the outbox.
 */
export class Presence {
  private timer: NodeJS.Timeout | null = null;
  private registered = false;
  private nextId = 1;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly client: PortalClient,
    private readonly source: PresenceSource,
    private readonly heartbeatMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(wait: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().finally(() => this.schedule(this.heartbeatMs));
    }, wait);
  }

  private async tick(): Promise<void> {
    const method = this.registered ? 'node.heartbeat' : 'node.register';
    const params = this.registered ? this.heartbeatParams() : this.registerParams();
    const id = this.nextId++;
    try {
      const responses = await this.client.send([{ jsonrpc: '2.0', id, method, params }], this.abort.signal);
      const response = responses.get(id);
      if (response?.ok === true) {
        if (!this.registered) this.logger.info('registered with the portal');
        this.registered = true;
      } else {
        this.logger.warn(`${method} refused by the portal: ${response?.error?.message ?? 'no response'}`);
      }
    } catch (error) {
      if (!this.stopped) this.logger.warn(`${method} failed: ${errorText(error)}`);
    }
  }

  private registerParams(): Record<string, unknown> {
    return {
      nodeName: this.source.nodeName,
      version: this.source.version,
      rpcPort: this.source.rpcPort(),
      startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      host: this.source.hostInfo(),
      runs: this.source.heldRuns(),
    };
  }

  private heartbeatParams(): Record<string, unknown> {
    return {
      nodeName: this.source.nodeName,
      time: new Date().toISOString(),
      host: this.source.hostInfo(),
      runs: this.source.heldRuns(),
    };
  }
}
