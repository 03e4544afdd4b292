import { Injectable, Logger } from '@nestjs/common';
import type { HostState } from '../exec-host/exec-host.entity.js';
import { DispatcherService } from '../execution/dispatcher.service.js';
import { EngineDb } from '../execution/engine-db.js';
import { HostRegistryService, type EngineHost } from '../execution/host-registry.service.js';
import { NodeReconcileService } from '../execution/node-reconcile.service.js';
import type { PresenceParams } from './event-params.js';
import { RPC_ERRORS, RpcFailure } from './json-rpc.js';

const ACTIVE_NODE_STATES = new Set(['accepted', 'running']);

/** node.register / node.heartbeat: the host's live status, and a check of the runs it holds. */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    private readonly db: EngineDb,
    private readonly hosts: HostRegistryService,
    private readonly dispatcher: DispatcherService,
    private readonly reconcile: NodeReconcileService,
  ) {}

  async report(params: PresenceParams, hostId: number | null, register: boolean): Promise<EngineHost> {
    const host = await this.resolve(params.nodeName, hostId);
    const now = new Date();
    const state: HostState = params.draining ? 'draining' : 'online';
    const running = params.runs.filter((run) => ACTIVE_NODE_STATES.has(run.state)).length;
    const values = [state, now.getTime(), JSON.stringify(params.host), running, params.slotsTotal];
    await this.db.transaction(async (sql) => {
      const updated = await sql.exec(
        'UPDATE exec_host_status SET state = ?, last_seen_at = ?, info = ?, running_count = ?, slots_total = ? WHERE host_id = ?',
        [...values, host.id],
      );
      if (updated === 0) {
        await sql.insertMany(
          'exec_host_status',
          ['state', 'last_seen_at', 'info', 'running_count', 'slots_total', 'host_id'],
          [[...values, host.id]],
          true,
        );
      }
    });
    const cameOnline = host.state !== 'online' && state === 'online';
    this.hosts.noteStatus(host.id, state, now);
    if (cameOnline) {
      this.logger.log(`exec host ${host.name} is ${register ? 'registered and ' : ''}online`);
      this.hosts.invalidate();
      this.dispatcher.wake();
    }
    await this.reconcile.fromNodeRuns(host, params.runs, now);
    return host;
  }

  private async resolve(nodeName: string, hostId: number | null): Promise<EngineHost> {
    const hosts = await this.hosts.hosts();
    const host =
      hostId !== null ? hosts.find((item) => item.id === hostId) : hosts.find((item) => item.name === nodeName);
    if (!host) {
      throw new RpcFailure(RPC_ERRORS.unknownNode, `no exec host named ${nodeName} is registered with this token`);
    }
    return host;
  }
}
