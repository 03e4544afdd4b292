import type { Principal } from '../../common/auth/permissions.js';
import { AppException } from '../../common/http/app.exception.js';
import { ExecNodeError } from '../../infra/rpc/exec-node.client.js';
import type { AuditService } from '../audit/audit.service.js';

/** Who asks what of which host, for the audit entry of a node that cannot be reached. */
export interface NodeActionContext {
  audit: AuditService;
  actor: Principal;
  action: string;
  host: { id: number; name: string };
  ip: string;
}

/**
 * Runs an operator's call to an exec node. A node that is down, refuses the token or speaks
 * something else is audited (ok false, why) and answered 503 UNAVAILABLE saying which.
 */
export async function callNode<T>(context: NodeActionContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ExecNodeError)) throw error;
    await context.audit.record({
      actor: context.actor,
      action: context.action,
      targetType: 'exec_host',
      targetId: context.host.id,
      targetName: context.host.name,
      detail: { ok: false, reason: error.kind, error: error.message },
      ip: context.ip,
    });
    throw new AppException('UNAVAILABLE', error.message, { reason: error.kind });
  }
}
