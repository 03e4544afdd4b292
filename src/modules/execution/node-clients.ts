import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ExecNodeClient } from '../../infra/rpc/exec-node.client.js';
import type { EngineHost } from './host-registry.service.js';
import { JobRunBatchClient } from '../../infra/rpc/exec-node-batch.client.js';

/** One JSON-RPC client per host (address and token as last read), plus a per-host request limit. */
@Injectable()
export class NodeClientsService implements OnApplicationShutdown {
  private readonly clients = new Map<number, { key: string; client: ExecNodeClient; batch: JobRunBatchClient }>();
  private readonly queues = new Map<number, { active: number; waiting: (() => void)[] }>();

  /** Concurrent requests per node; more wait in line (a node executes one batch element at a time anyway). */
  static readonly PER_HOST = 4;

  client(host: Pick<EngineHost, 'id' | 'address' | 'token'>): ExecNodeClient {
    return this.entry(host).client;
  }

  batch(host: Pick<EngineHost, 'id' | 'address' | 'token'>): JobRunBatchClient {
    return this.entry(host).batch;
  }

  private entry(host: Pick<EngineHost, 'id' | 'address' | 'token'>) {
    const key = `${host.address}\n${host.token}`;
    const known = this.clients.get(host.id);
    if (known?.key === key) return known;
    known?.batch.close();
    const target = { address: host.address, token: host.token };
    const entry = {
      key,
      client: new ExecNodeClient(target, { timeoutMs: 15_000 }),
      batch: new JobRunBatchClient(target),
    };
    this.clients.set(host.id, entry);
    return entry;
  }

  onApplicationShutdown(): void {
    for (const entry of this.clients.values()) entry.batch.close();
  }

  /** Runs a request to a host within its concurrency limit. */
  async limited<T>(hostId: number, work: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(hostId);
    if (!queue) {
      queue = { active: 0, waiting: [] };
      this.queues.set(hostId, queue);
    }
    if (queue.active >= NodeClientsService.PER_HOST) {
      await new Promise<void>((resolve) => queue.waiting.push(resolve));
    } else {
      queue.active++;
    }
    try {
      return await work();
    } finally {
      const next = queue.waiting.shift();
      if (next) next();
      else queue.active--;
    }
  }
}
