import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { HttpClient } from '../support/http-client.js';
import { ADMIN_PASSWORD, startTestPortal, testDatabase, testPortalEnv, type TestPortal } from '../support/portal.js';
import { openPortalDatabase, startPortalProcess, type PortalProcess } from '../support/portal-process.js';
import { byJob, Definitions, ended, execution, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'meshcron-engine-recovery-'));

/** Chains of jobs that each append their job id to a file, so a job run twice shows. */
async function chains(defs: Definitions, log: string, count: number, length: number): Promise<number> {
  const iface = await defs.interface('chains');
  for (let chain = 0; chain < count; chain++) {
    let previous: number[] = [];
    for (let step = 0; step < length; step++) {
      const id = await defs.job(iface, `c${chain}_${step}`, `echo "$MC_JOB_ID" >> ${log}; sleep 0.3`, {
        prerequisites: previous,
      });
      previous = [id];
    }
  }
  return defs.dispatch(iface, false);
}

function assertEachOnce(log: string, jobs: number): void {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  assert.equal(counts.size, jobs, 'every job ran');
  assert.deepEqual(
    [...counts].filter(([, n]) => n !== 1),
    [],
    'no job ran twice',
  );
}

async function succeededRuns(client: HttpClient, id: number): Promise<number> {
  return (await execution(client, id)).runs.filter((run) => run.state === 'succeeded').length;
}

describe(`engine recovery (${testDatabase()})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('finishes an execution after kill -9 of the portal and a restart, running no job twice', async () => {
    const { env, dataDir, cleanup } = await testPortalEnv();
    cleanups.push(cleanup);
    const portal = await startPortalProcess({ env, name: 'portal' });
    cleanups.push(async () => void (await portal.stop()));
    const ds = await openPortalDatabase(env);
    cleanups.push(() => ds.destroy());
    const defs = new Definitions(ds, SecretBox.fromConfig('', dataDir));
    const nodes = await startHostNodes(defs, portal.url, ['crash-a', 'crash-b']);
    cleanups.push(async () => void (await Promise.all(nodes.map(({ node }) => node.close()))));
    const log = join(work, 'portal-crash.log');
    const dispatchId = await chains(defs, log, 4, 5);
    const admin = new HttpClient(portal.url);
    await admin.login('admin', ADMIN_PASSWORD);

    const id = await runDispatch(admin, dispatchId, { dataDate: '2026-04-01' });
    await waitFor('a few runs done', 20_000, async () => (await succeededRuns(admin, id)) >= 4);
    await portal.kill9();
    await sleep(1000);
    await portal.start();
    const info = await ended(admin, id, 60_000);
    assert.equal(info.execution.state, 'succeeded');
    assertEachOnce(log, 20);
  });

  it('marks the runs of a node killed with kill -9 lost within the offline timeout and retries them elsewhere when allowed', async () => {
    const portal: TestPortal = await startTestPortal({ env: { SC__EXEC__OFFLINESECONDS: '2' } });
    cleanups.push(() => portal.close());
    const defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    const nodes = await startHostNodes(defs, portal.url, ['first', 'second']);
    cleanups.push(async () => void (await Promise.all(nodes.map(({ node }) => node.close()))));
    const iface = await defs.interface('lossy');
    const log = join(work, 'lossy.log');
    const job = (name: string, retryLost: boolean) =>
      defs.job(iface, name, `sleep 2; echo "${name} $MC_ATTEMPT" >> ${log}`, {
        routingStrategy: 'failover',
        retryLost,
      });
    await job('keeper', true);
    await job('dropper', false);
    const admin = await portal.admin();
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-04-02' });
    await waitFor('both runs running on the first node', 10_000, async () => {
      const runs = (await execution(admin, id)).runs;
      return runs.every((run) => run.state === 'running' && run.hostName === 'first');
    });
    const killedAt = Date.now();
    await nodes[0].node.kill9();

    const info = await ended(admin, id, 20_000);
    const keeper = byJob(info).get('keeper')!;
    assert.deepEqual([keeper.state, keeper.attempt, keeper.hostName], ['succeeded', 2, 'second']);
    const dropper = byJob(info).get('dropper')!;
    assert.deepEqual([dropper.state, dropper.attempt], ['lost', 1]);
    assert.equal(info.execution.state, 'failed');
    const history = (await admin.api('GET', `/api/runs/${dropper.id}`)).json<{
      data: { transitions: { to: string; at: string }[] };
    }>();
    const lostAt = Date.parse(history.data.transitions.find((t) => t.to === 'lost')!.at);
    assert.ok(lostAt - killedAt <= 2000 + 1500, `lost ${lostAt - killedAt} ms after the kill`);
    assert.ok(readFileSync(log, 'utf8').includes('keeper 2'));
  });

  it('lets the surviving portal of two carry an execution on alone', async () => {
    const { env, dataDir, cleanup } = await testPortalEnv();
    cleanups.push(cleanup);
    const portals: PortalProcess[] = [];
    for (const name of ['portal-1', 'portal-2']) portals.push(await startPortalProcess({ env, name }));
    cleanups.push(async () => void (await Promise.all(portals.map((portal) => portal.stop()))));
    const ds = await openPortalDatabase(env);
    cleanups.push(() => ds.destroy());
    const defs = new Definitions(ds, SecretBox.fromConfig('', dataDir));
    // The nodes call back to the survivor (in production: a load balancer in front of both).
    const nodes = await startHostNodes(defs, portals[1].url, ['pair-a', 'pair-b']);
    cleanups.push(async () => void (await Promise.all(nodes.map(({ node }) => node.close()))));
    const log = join(work, 'pair.log');
    const dispatchId = await chains(defs, log, 3, 5);
    const first = new HttpClient(portals[0].url);
    await first.login('admin', ADMIN_PASSWORD);
    const id = await runDispatch(first, dispatchId, { dataDate: '2026-04-03' });
    await waitFor('a few runs done', 20_000, async () => (await succeededRuns(first, id)) >= 3);
    await portals[0].kill9();
    const second = new HttpClient(portals[1].url);
    await second.login('admin', ADMIN_PASSWORD);
    const info = await ended(second, id, 60_000);
    assert.equal(info.execution.state, 'succeeded');
    assertEachOnce(log, 15);
  });
});
