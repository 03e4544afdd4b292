/** JSON-RPC 2.0 envelope handling for the portal's callback endpoint (POST /rpc/node). */

export type RpcId = string | number | null;

export interface RpcRequest {
  id: RpcId;
  /** false for notifications (no id): executed, never answered. */
  answer: boolean;
  method: string;
  params: unknown;
}

export interface RpcError {
  code: number;
  message: string;
}

export type RpcResponse =
  { jsonrpc: '2.0'; id: RpcId; result: unknown } | { jsonrpc: '2.0'; id: RpcId; error: RpcError };

export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** The event's attempt is not the run's current attempt (fencing); the node drops it. */
  staleAttempt: -32010,
  /** The portal has no such job run; the node drops the event. */
  unknownRun: -32011,
  /** The calling node is not a registered exec host (transient: it keeps trying). */
  unknownNode: -32012,
} as const;

export class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function result(id: RpcId, value: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, result: value };
}

export function failure(id: RpcId, code: number, message: string): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** One element of a request body: a valid request, or the error response it gets. */
export function readRequest(value: unknown): RpcRequest | RpcResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure(null, RPC_ERRORS.invalidRequest, 'Invalid Request: expected an object');
  }
  const body = value as Record<string, unknown>;
  const hasId = 'id' in body;
  const id = body.id;
  const idValid = !hasId || id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  const safeId: RpcId = idValid && hasId ? (id as RpcId) : null;
  if (body.jsonrpc !== '2.0' || !idValid) {
    return failure(safeId, RPC_ERRORS.invalidRequest, 'Invalid Request: jsonrpc must be "2.0" with a valid id');
  }
  if (typeof body.method !== 'string' || body.method === '') {
    return failure(safeId, RPC_ERRORS.invalidRequest, 'Invalid Request: method must be a string');
  }
  if ('params' in body && (typeof body.params !== 'object' || body.params === null)) {
    return failure(safeId, RPC_ERRORS.invalidRequest, 'Invalid Request: params must be an object or an array');
  }
  return { id: safeId, answer: hasId, method: body.method, params: body.params };
}

export function isResponse(value: RpcRequest | RpcResponse): value is RpcResponse {
  return 'jsonrpc' in value;
}
