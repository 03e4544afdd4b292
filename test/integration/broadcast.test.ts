import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HttpClient } from '../support/http-client.js';
import { testDatabase } from '../support/portal.js';
import { Definitions, ended, EngineScenario, type ExecutionInfo, runDispatch } from './engine-fixtures.js';

const HOSTS = ['bc-a', 'bc-b', 'bc-c'];

interface RunJson {
  parentRunId: number | null;
  broadcast: { parallel: number; failRate: number | null; failCount: number | null; kill: boolean } | null;
  budgetExceeded: boolean;
  childRunIds: number[];
  children: { id: number; hostName: string | null; state: string; exitCode: number | null }[];
}

/** State of each host's run (children are named "<job> @ <host>"), and of the other runs by job. */
function states(info: ExecutionInfo): Record<string, string> {
  return Object.fromEntries(info.runs.map((run) => [run.jobName, run.state]));
}

describe(`broadcast jobs (${testDatabase()})`, () => {
  let scenario: EngineScenario | undefined;
  let defs: Definitions;
  let admin: HttpClient;
  let work: string;

  before(async () => {
    scenario = await EngineScenario.start('broadcast', HOSTS);
    ({ defs, admin, work } = scenario);
  });

  after(() => scenario?.close());

  /** The run as the execution page's run panel reads it. */
  async function runJson(id: number): Promise<RunJson> {
    const response = await admin.api('GET', `/api/runs/${id}`);
    assert.equal(response.status, 200, response.text);
    return response.json<{ data: RunJson }>().data;
  }

  /** A script whose n-th run (0-based, counted in a file) exits 1 when n is in `failing`. */
  function countingScript(name: string, failing: number[]): string {
    const counter = join(work, name);
    const test = failing.map((n) => `[ "$n" -eq ${n} ]`).join(' || ');
    return `n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n+1)) > ${counter}; echo "host run $n"; if ${test}; then exit 1; fi`;
  }

  it('runs on every host one at a time; one failure within the budget succeeds and releases downstream', async () => {
    const iface = await defs.interface('bcast_ok');
    const sync = await defs.job(iface, 'sync_config', countingScript('ok', [1]), {
      broadcast: true,
      broadcastParallel: 1,
      failCount: 1,
    });
    await defs.job(iface, 'after_sync', 'echo done', { prerequisites: [sync] });
    const info = await ended(
      admin,
      await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-07-01' }),
    );
    assert.deepEqual(states(info), {
      sync_config: 'succeeded',
      'sync_config @ bc-a': 'succeeded',
      'sync_config @ bc-b': 'failed',
      'sync_config @ bc-c': 'succeeded',
      after_sync: 'succeeded',
    });
    assert.equal(info.execution.state, 'succeeded');
    const hosts = info.runs.filter((run) => run.jobName.includes(' @ '));
    assert.deepEqual(
      hosts.map((run) => run.hostName),
      HOSTS,
    );
    for (const [index, run] of hosts.slice(1).entries()) {
      assert.ok(Date.parse(run.startedAt!) >= Date.parse(hosts[index].finishedAt!), 'one host at a time');
    }
    const log = await admin.api('GET', `/api/runs/${hosts[2].id}/log`);
    assert.ok(log.text.includes('host run 2'), log.text);

    const parentId = info.runs.find((run) => run.jobName === 'sync_config')!.id;
    const parent = await runJson(parentId);
    assert.deepEqual(parent.broadcast, { parallel: 1, failRate: null, failCount: 1, kill: false });
    assert.equal(parent.budgetExceeded, false);
    assert.deepEqual(
      parent.childRunIds,
      hosts.map((run) => run.id),
    );
    assert.deepEqual(
      parent.children.map((child) => [child.hostName, child.state, child.exitCode]),
      [
        ['bc-a', 'succeeded', 0],
        ['bc-b', 'failed', 1],
        ['bc-c', 'succeeded', 0],
      ],
    );
    const child = await runJson(hosts[1].id);
    assert.equal(child.parentRunId, parentId);
    assert.equal(child.broadcast, null);
    assert.deepEqual(child.childRunIds, []);
  });

  it('over the budget: fails, does not start the remaining hosts, and skips downstream', async () => {
    const iface = await defs.interface('bcast_over');
    const sync = await defs.job(iface, 'push_keys', countingScript('over', [0]), {
      broadcast: true,
      broadcastParallel: 1,
      failCount: 0,
    });
    await defs.job(iface, 'after_push', 'echo done', { prerequisites: [sync] });
    const info = await ended(
      admin,
      await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-07-02' }),
    );
    assert.deepEqual(states(info), {
      push_keys: 'failed',
      'push_keys @ bc-a': 'failed',
      'push_keys @ bc-b': 'skipped',
      'push_keys @ bc-c': 'skipped',
      after_push: 'skipped',
    });
    const parent = info.runs.find((run) => run.jobName === 'push_keys')!;
    assert.match(parent.error ?? '', /budget exceeded/);
    const view = await runJson(parent.id);
    assert.equal(view.budgetExceeded, true);
    assert.deepEqual(
      view.children.map((child) => child.state),
      ['failed', 'skipped', 'skipped'],
    );
    const skipped = info.runs.filter((run) => run.state === 'skipped' && run.jobName.includes(' @ '));
    assert.ok(skipped.every((run) => run.startedAt === null && run.error === 'budget exceeded'));
    assert.equal(info.execution.state, 'failed');
  });

  it('with killOnBudgetExceeded kills the hosts still running once the budget is exceeded', async () => {
    const iface = await defs.interface('bcast_kill');
    const lock = join(work, 'first-fails');
    await defs.job(iface, 'rebuild_cache', `if mkdir ${lock} 2>/dev/null; then sleep 0.5; exit 1; fi; sleep 30`, {
      broadcast: true,
      broadcastParallel: 0,
      failRate: 10,
      killOnBudgetExceeded: true,
    });
    const started = Date.now();
    const info = await ended(
      admin,
      await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-07-03' }),
    );
    assert.ok(Date.now() - started < 20_000, 'the sleeping hosts were killed, not waited for');
    const hostStates = info.runs.filter((run) => run.jobName.includes(' @ ')).map((run) => run.state);
    assert.deepEqual([...hostStates].sort(), ['failed', 'killed', 'killed']);
    assert.equal(states(info).rebuild_cache, 'failed');
  });
});
