import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router, type HostSlots, type RoutableRun } from './routing.js';

const host = (id: number, fields: Partial<HostSlots> = {}): HostSlots => ({
  id,
  tags: ['etl'],
  slots: 2,
  used: 0,
  available: true,
  ...fields,
});
const run = (fields: Partial<RoutableRun> = {}): RoutableRun => ({
  targetHostId: null,
  hostTag: 'etl',
  routingStrategy: 'round_robin',
  avoidHostId: null,
  ...fields,
});

describe('routing', () => {
  it('rotates round robin over the tagged hosts, skipping full and unavailable ones', () => {
    const router = new Router();
    const hosts = [host(1), host(2, { available: false }), host(3), host(4, { tags: ['other'] })];
    assert.deepEqual(
      [1, 2, 3].map(() => router.choose(run(), hosts)?.id),
      [1, 3, 1],
    );
    hosts[0].used = 2;
    assert.equal(router.choose(run(), hosts)?.id, 3);
  });

  it('picks the least busy, the first available for failover, and only the fixed host when one is set', () => {
    const router = new Router(() => 0.99);
    const hosts = [host(1, { used: 1 }), host(2, { slots: 4, used: 1 }), host(3, { used: 2 })];
    assert.equal(router.choose(run({ routingStrategy: 'least_busy' }), hosts)?.id, 2);
    assert.equal(router.choose(run({ routingStrategy: 'failover' }), hosts)?.id, 1);
    assert.equal(router.choose(run({ routingStrategy: 'random' }), hosts)?.id, 2);
    assert.equal(router.choose(run({ targetHostId: 3 }), hosts), null, 'the fixed host is full');
    assert.equal(router.choose(run({ targetHostId: 2, hostTag: '' }), hosts)?.id, 2);
  });

  it('avoids the host that lost the previous attempt unless it is the only one', () => {
    const router = new Router();
    assert.equal(router.choose(run({ routingStrategy: 'failover', avoidHostId: 1 }), [host(1), host(2)])?.id, 2);
    assert.equal(router.choose(run({ routingStrategy: 'failover', avoidHostId: 1 }), [host(1)])?.id, 1);
  });
});
