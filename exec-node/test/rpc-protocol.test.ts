import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RpcError } from '../src/rpc-errors.js';
import { JsonRpcDispatcher } from '../src/rpc-protocol.js';

/** The examples of section 7 of the JSON-RPC 2.0 specification, run through the node's dispatcher. */
function specDispatcher(): { dispatcher: JsonRpcDispatcher; notified: string[] } {
  const notified: string[] = [];
  const dispatcher = new JsonRpcDispatcher();
  const numbers = (value: unknown): number[] => {
    if (!Array.isArray(value)) throw new RpcError(-32602, 'Invalid params');
    return value as number[];
  };
  dispatcher.register('subtract', ['minuend', 'subtrahend'], (p) => (p.minuend as number) - (p.subtrahend as number));
  dispatcher.register('sum', ['...values'], (p) => numbers(p.values).reduce((a, b) => a + b, 0));
  dispatcher.register('update', ['a', 'b', 'c', 'd', 'e'], () => notified.push('update'));
  dispatcher.register('notify_hello', ['value'], () => notified.push('notify_hello'));
  dispatcher.register('notify_sum', ['a', 'b', 'c'], () => notified.push('notify_sum'));
  dispatcher.register('get_data', [], () => ['hello', 5]);
  return { dispatcher, notified };
}

void describe('JSON-RPC 2.0 dispatcher with the specification examples', () => {
  void it('answers rpc calls with positional parameters', async () => {
    const { dispatcher } = specDispatcher();
    assert.deepEqual(
      await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}'),
      {
        jsonrpc: '2.0',
        result: 19,
        id: 1,
      },
    );
    assert.deepEqual(
      await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}'),
      {
        jsonrpc: '2.0',
        result: -19,
        id: 2,
      },
    );
  });

  void it('answers rpc calls with named parameters', async () => {
    const { dispatcher } = specDispatcher();
    const third = '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}';
    const fourth = '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}';
    assert.deepEqual(await dispatcher.dispatchText(third), { jsonrpc: '2.0', result: 19, id: 3 });
    assert.deepEqual(await dispatcher.dispatchText(fourth), { jsonrpc: '2.0', result: 19, id: 4 });
  });

  void it('runs notifications without answering them', async () => {
    const { dispatcher, notified } = specDispatcher();
    assert.equal(await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}'), null);
    assert.equal(await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": "foobar"}'), null);
    assert.deepEqual(notified, ['update']);
  });

  void it('answers a call of a non-existent method with -32601', async () => {
    const { dispatcher } = specDispatcher();
    assert.deepEqual(await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}'), {
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: '1',
    });
  });

  void it('answers invalid JSON with -32700 and a null id', async () => {
    const { dispatcher } = specDispatcher();
    assert.deepEqual(await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]'), {
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  void it('answers an invalid Request object with -32600 and a null id', async () => {
    const { dispatcher } = specDispatcher();
    const reply = (await dispatcher.dispatchText('{"jsonrpc": "2.0", "method": 1, "params": "bar"}')) as {
      error: { code: number };
      id: unknown;
    };
    assert.equal(reply.error.code, -32600);
    assert.equal(reply.id, null);
  });

  void it('answers a batch that is invalid JSON with one -32700 error', async () => {
    const { dispatcher } = specDispatcher();
    const text = '[ {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]';
    assert.deepEqual(await dispatcher.dispatchText(text), {
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  void it('answers an empty array with a single -32600 error, not an array', async () => {
    const { dispatcher } = specDispatcher();
    const reply = await dispatcher.dispatchText('[]');
    assert.ok(!Array.isArray(reply));
    assert.equal((reply as { error: { code: number } }).error.code, -32600);
  });

  void it('answers [1] and [1,2,3] with one -32600 per element, in an array', async () => {
    const { dispatcher } = specDispatcher();
    const one = (await dispatcher.dispatchText('[1]')) as { error: { code: number }; id: unknown }[];
    assert.ok(Array.isArray(one));
    assert.deepEqual(
      one.map((r) => [r.error.code, r.id]),
      [[-32600, null]],
    );
    const three = (await dispatcher.dispatchText('[1,2,3]')) as { error: { code: number }; id: unknown }[];
    assert.deepEqual(
      three.map((r) => [r.error.code, r.id]),
      [
        [-32600, null],
        [-32600, null],
        [-32600, null],
      ],
    );
  });

  void it('answers a mixed batch with one response per call and none for the notification', async () => {
    const { dispatcher, notified } = specDispatcher();
    const batch = `[
      {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
      {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
      {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
      {"foo": "boo"},
      {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
      {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]`;
    const replies = (await dispatcher.dispatchText(batch)) as {
      id: unknown;
      result?: unknown;
      error?: { code: number };
    }[];
    const byId = replies.map((r) => [r.id, r.result ?? r.error?.code]);
    assert.deepEqual(byId, [
      ['1', 7],
      ['2', 19],
      [null, -32600],
      ['5', -32601],
      ['9', ['hello', 5]],
    ]);
    assert.deepEqual(notified, ['notify_hello']);
  });

  void it('answers nothing for a batch of notifications only', async () => {
    const { dispatcher, notified } = specDispatcher();
    const batch =
      '[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]';
    assert.equal(await dispatcher.dispatchText(batch), null);
    assert.deepEqual(notified, ['notify_sum', 'notify_hello']);
  });

  void it('answers -32602 when more positional params are sent than the method takes', async () => {
    const { dispatcher } = specDispatcher();
    const reply = (await dispatcher.dispatchText('{"jsonrpc":"2.0","method":"subtract","params":[1,2,3],"id":7}')) as {
      error: { code: number };
    };
    assert.equal(reply.error.code, -32602);
  });

  void it('hides internal errors behind -32603', async () => {
    const dispatcher = new JsonRpcDispatcher();
    dispatcher.register('boom', [], () => {
      throw new Error('secret detail');
    });
    const reply = (await dispatcher.dispatchText('{"jsonrpc":"2.0","method":"boom","id":1}')) as {
      error: { code: number; message: string };
    };
    assert.equal(reply.error.code, -32603);
    assert.doesNotMatch(reply.error.message, /secret/);
  });
});
