import { Injectable, Logger } from '@nestjs/common';
import { parsePresence, parseRunEvent, type RunEvent } from './event-params.js';
import {
  failure,
  isResponse,
  readRequest,
  result,
  RPC_ERRORS,
  RpcFailure,
  type RpcRequest,
  type RpcResponse,
} from './json-rpc.js';
import { UNPARSABLE, type NodeCaller } from './node-caller.js';
import { PresenceService } from './presence.service.js';
import { RunEventsService } from './run-events.service.js';

const RUN_METHODS = new Set(['run.started', 'run.log', 'run.finished']);
const PRESENCE_METHODS = new Set(['node.register', 'node.heartbeat']);

type Slot = RpcResponse | null | undefined;

/** The JSON-RPC 2.0 side of POST /rpc/node: batches, notifications, errors, dispatch to handlers. */
@Injectable()
export class NodeRpcService {
  private readonly logger = new Logger(NodeRpcService.name);

  constructor(
    private readonly events: RunEventsService,
    private readonly presence: PresenceService,
  ) {}

  /** The response body: an object, an array for a batch, or null when nothing is answered (HTTP 204). */
  async handle(body: unknown, caller: NodeCaller): Promise<RpcResponse | RpcResponse[] | null> {
    if (body === UNPARSABLE) return failure(null, RPC_ERRORS.parse, 'Parse error');
    const batch = Array.isArray(body);
    const items = batch ? (body as unknown[]) : [body];
    if (items.length === 0) return failure(null, RPC_ERRORS.invalidRequest, 'Invalid Request: empty batch');
    const requests = items.map(readRequest);
    // undefined = not answered yet; null = a notification (never answered).
    const slots: Slot[] = requests.map((request) => (isResponse(request) ? request : undefined));
    let group: { index: number; request: RpcRequest; event: RunEvent }[] = [];
    const flush = async () => {
      await this.applyEvents(group, slots, caller);
      group = [];
    };
    for (const [index, request] of requests.entries()) {
      if (isResponse(request)) continue;
      if (RUN_METHODS.has(request.method)) {
        try {
          group.push({ index, request, event: parseRunEvent(request.method, request.params) });
        } catch (error) {
          slots[index] = this.errorFor(request, error);
        }
        continue;
      }
      await flush();
      slots[index] = await this.single(request, caller);
    }
    await flush();
    const answered = slots.filter((slot): slot is RpcResponse => slot !== null && slot !== undefined);
    if (answered.length === 0) return null;
    return batch ? answered : answered[0];
  }

  private async applyEvents(
    group: { index: number; request: RpcRequest; event: RunEvent }[],
    slots: Slot[],
    caller: NodeCaller,
  ): Promise<void> {
    if (group.length === 0) return;
    try {
      const outcomes = await this.events.apply(
        group.map((item) => item.event),
        caller.hostId,
      );
      group.forEach(({ index, request }, position) => {
        const outcome = outcomes[position];
        const response = outcome.ok
          ? result(request.id, { ok: true, duplicate: outcome.duplicate })
          : failure(request.id, outcome.code, outcome.message);
        slots[index] = request.answer ? response : null;
      });
    } catch (error) {
      this.logger.error(`run events not applied: ${(error as Error).message}`, (error as Error).stack);
      for (const { index, request } of group) slots[index] = this.errorFor(request, error);
    }
  }

  private async single(request: RpcRequest, caller: NodeCaller): Promise<Slot> {
    try {
      if (!PRESENCE_METHODS.has(request.method)) {
        throw new RpcFailure(RPC_ERRORS.methodNotFound, `Method not found: ${request.method}`);
      }
      await this.presence.report(parsePresence(request.params), caller.hostId, request.method === 'node.register');
      return request.answer ? result(request.id, { ok: true }) : null;
    } catch (error) {
      if (!(error instanceof RpcFailure)) this.logger.error(`${request.method} failed: ${(error as Error).message}`);
      return this.errorFor(request, error);
    }
  }

  private errorFor(request: RpcRequest, error: unknown): Slot {
    if (!request.answer) return null;
    if (error instanceof RpcFailure) return failure(request.id, error.code, error.message);
    return failure(request.id, RPC_ERRORS.internal, 'Internal error');
  }
}
