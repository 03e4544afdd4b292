import { RpcError, RpcErrorCode } from './rpc-errors.js';

/**
 * A JSON-RPC 2.0 dispatcher written to the specification (https://www.jsonrpc.org/specification).
 * The json-rpc-2.0 package was not used for this: its server answers a batch that yields a single
 * response with a bare object instead of an array, which the specification does not allow.
 */
export type JsonRpcId = string | number | null;

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A method gets its params already mapped to named form (positional params follow `paramNames`). */
export type MethodHandler = (params: Record<string, unknown>) => unknown;

interface MethodEntry {
  handler: MethodHandler;
  paramNames: string[];
}

/** A reply body, or null when nothing may be sent (notifications, all-notification batches). */
export type DispatchResult = JsonRpcResponse | JsonRpcResponse[] | null;

export class JsonRpcDispatcher {
  private readonly methods = new Map<string, MethodEntry>();

  constructor(private readonly onInternalError: (method: string, error: unknown) => void = () => undefined) {}

  /** `paramNames` gives the order used when a client sends params by position; `['...name']` takes them all. */
  register(name: string, paramNames: string[], handler: MethodHandler): void {
    this.methods.set(name, { handler, paramNames });
  }

  async dispatchText(text: string): Promise<DispatchResult> {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return errorResponse(null, RpcErrorCode.PARSE_ERROR, 'Parse error');
    }
    return this.dispatch(payload);
  }

  async dispatch(payload: unknown): Promise<DispatchResult> {
    if (!Array.isArray(payload)) return this.handleOne(payload);
    if (payload.length === 0) return errorResponse(null, RpcErrorCode.INVALID_REQUEST, 'Invalid Request: empty batch');
    const responses: JsonRpcResponse[] = [];
    // In order, one after the other: a batch like [job.run, job.kill] then behaves predictably.
    for (const item of payload) {
      const response = await this.handleOne(item);
      if (response !== null) responses.push(response);
    }
    return responses.length === 0 ? null : responses;
  }

  private async handleOne(item: unknown): Promise<JsonRpcResponse | null> {
    const problem = requestProblem(item);
    if (problem !== null)
      return errorResponse(validId(item), RpcErrorCode.INVALID_REQUEST, `Invalid Request: ${problem}`);
    const request = item as { method: string; params?: unknown; id?: JsonRpcId };
    const isNotification = !('id' in request);
    const id = request.id ?? null;
    const entry = this.methods.get(request.method);
    if (entry === undefined) {
      return isNotification ? null : errorResponse(id, RpcErrorCode.METHOD_NOT_FOUND, 'Method not found');
    }
    try {
      const result = await entry.handler(namedParams(request.params, entry.paramNames));
      return isNotification ? null : { jsonrpc: '2.0', id, result: result ?? null };
    } catch (error) {
      if (isNotification) return null;
      if (error instanceof RpcError) return errorResponse(id, error.code, error.message, error.data);
      this.onInternalError(request.method, error);
      return errorResponse(id, RpcErrorCode.INTERNAL_ERROR, 'Internal error');
    }
  }
}

function requestProblem(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'expected an object';
  const request = item as Record<string, unknown>;
  if (request.jsonrpc !== '2.0') return 'jsonrpc must be exactly "2.0"';
  if (typeof request.method !== 'string') return 'method must be a string';
  if ('params' in request && (typeof request.params !== 'object' || request.params === null)) {
    return 'params must be an array or an object';
  }
  if ('id' in request && validId(request) === null && request.id !== null)
    return 'id must be a string, a number or null';
  return null;
}

function validId(item: unknown): JsonRpcId {
  if (typeof item !== 'object' || item === null) return null;
  const id = (item as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

function namedParams(params: unknown, names: string[]): Record<string, unknown> {
  if (params === undefined) return {};
  if (!Array.isArray(params)) return params as Record<string, unknown>;
  const rest = names.length === 1 && names[0]?.startsWith('...') === true ? names[0].slice(3) : null;
  if (rest !== null) return { [rest]: params };
  if (params.length > names.length) {
    throw new RpcError(
      RpcErrorCode.INVALID_PARAMS,
      `Invalid params: at most ${names.length} positional params (${names.join(', ') || 'none'})`,
    );
  }
  const named: Record<string, unknown> = {};
  (params as unknown[]).forEach((value, index) => {
    named[names[index]] = value;
  });
  return named;
}

function errorResponse(id: JsonRpcId, code: number, message: string, data?: unknown): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}
