import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../common/auth/permissions.js';
import { ExecNodeClient, type HostInfo } from '../../infra/rpc/exec-node.client.js';
import { AuditService } from '../audit/audit.service.js';
import { ExecHostStatusEntity } from './exec-host.entity.js';
import { ExecHostService } from './exec-host.service.js';
import { callNode } from './node-action.js';
import type { ExecHostView } from './exec-host.view.js';

export const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeResult {
  info: HostInfo;
  host: ExecHostView;
}

/** "Test connection": calls the node's host.info and records what it says in exec_host_status. */
@Injectable()
export class ExecHostProbeService {
  constructor(
    private readonly hostsService: ExecHostService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The node's answer and the updated host; a node that is down, refuses the token or speaks something else → 503 saying which. */
  async test(id: number, actor: Principal, ip = ''): Promise<ProbeResult> {
    const target = await this.hostsService.target(id);
    const client = new ExecNodeClient(target, { timeoutMs: PROBE_TIMEOUT_MS });
    const info: HostInfo = await callNode(
      { audit: this.audit, actor, action: 'test', host: { id, name: target.name }, ip },
      () => client.hostInfo(),
    );
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ExecHostStatusEntity).upsert(
        {
          hostId: id,
          state: info.draining ? 'draining' : 'online',
          lastSeenAt: new Date(),
          info: JSON.stringify(info),
          runningCount: info.slots.used,
          slotsTotal: info.slots.total,
        },
        ['hostId'],
      );
      const detail = { ok: true, nodeName: info.nodeName, version: info.version };
      await this.audit.record(
        { actor, action: 'test', targetType: 'exec_host', targetId: id, targetName: target.name, detail, ip },
        manager,
      );
    });
    return { info, host: await this.hostsService.get(id) };
  }
}
