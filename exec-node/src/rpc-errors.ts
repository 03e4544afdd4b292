/** JSON-RPC error codes used by the exec node (standard ones first, then the node's own). */
export const RpcErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** All slots are busy: route the run to another node or retry later. */
  NO_SLOT: -32001,
  /** The node is draining: it finishes current runs but accepts no new ones. */
  DRAINING: -32002,
  /** job.kill for a (runId, attempt) the node does not know. */
  RUN_NOT_FOUND: -32004,
} as const;

/** Codes the portal answers callbacks with; the node drops such an event (with a log line) instead of retrying. */
export const PortalPermanentErrorCode = {
  INVALID_PARAMS: -32602,
  /** The event is for an attempt that is no longer the current one (fencing). */
  STALE_ATTEMPT: -32010,
  /** The portal has no job run with this runId. */
  UNKNOWN_RUN: -32011,
} as const;

export const PERMANENT_PORTAL_ERRORS: readonly number[] = Object.values(PortalPermanentErrorCode);

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export function invalidParams(message: string): RpcError {
  return new RpcError(RpcErrorCode.INVALID_PARAMS, `Invalid params: ${message}`);
}
