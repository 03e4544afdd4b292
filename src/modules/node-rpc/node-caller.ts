/** A body that was not JSON (answered with -32700). */
export const UNPARSABLE = Symbol('unparsable');

/** Who is calling back, as NodeRpcEndpoint established from the bearer token. */
export interface NodeCaller {
  /** The host whose own token was used; null for the shared exec.token (the node names itself). */
  hostId: number | null;
}
