import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pump } from './pump.js';

/** A work function whose runs end when the test says so. */
function gated() {
  const gates: (() => void)[] = [];
  let runs = 0;
  const work = () => {
    runs += 1;
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const release = async () => {
    gates.shift()?.();
    await sleep(1);
  };
  return { work, release, runs: () => runs };
}

describe('Pump', () => {
  it('runs once per wake when idle, and folds wakes during a run into one more run', async () => {
    const { work, release, runs } = gated();
    const pump = new Pump(work, assert.fail);
    pump.wake();
    assert.equal(runs(), 1);
    pump.wake();
    pump.wake();
    pump.wake();
    assert.equal(runs(), 1, 'never two runs at once');
    await release();
    assert.equal(runs(), 2, 'the three wakes during the run made one more run');
    await release();
    assert.equal(runs(), 2, 'and nothing after it');
    pump.wake();
    assert.equal(runs(), 3);
    await release();
    await pump.stop();
  });

  it('runs again while the work says more is waiting', async () => {
    let left = 3;
    let runs = 0;
    const pump = new Pump(() => {
      runs += 1;
      return Promise.resolve(--left > 0);
    }, assert.fail);
    pump.wake();
    await sleep(10);
    assert.equal(runs, 3, 'two more runs, then it rests');
    await pump.stop();
  });

  it('reports an error, ends that run, and starts anew on the next wake', async () => {
    const errors: string[] = [];
    let fail = true;
    let runs = 0;
    const pump = new Pump(
      () => {
        runs += 1;
        return fail ? Promise.reject(new Error('database gone')) : Promise.resolve();
      },
      (error) => errors.push(error.message),
    );
    pump.wake();
    await sleep(1);
    assert.deepEqual(errors, ['database gone']);
    fail = false;
    pump.wake();
    await sleep(1);
    assert.equal(runs, 2);
    await pump.stop();
  });

  it('wakes on its timer, and stop waits for the run in progress and ends the timer', async () => {
    const { work, release, runs } = gated();
    const pump = new Pump(work, assert.fail);
    pump.every(5);
    await sleep(30);
    assert.equal(runs(), 1, 'the timer woke it; later ticks folded into the run in progress');
    let stopped = false;
    const stopping = pump.stop().then(() => (stopped = true));
    await sleep(5);
    assert.equal(stopped, false, 'stop waits for the run');
    await release();
    await stopping;
    assert.equal(stopped, true);
    assert.equal(runs(), 1, 'the wakes folded into the run do not run after a stop');
    pump.wake();
    await sleep(20);
    assert.equal(runs(), 1, 'no runs after a stop, by wake or timer');
    assert.equal(pump.isStopped, true);
  });
});
