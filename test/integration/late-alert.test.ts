import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { startSmtpSink, type SmtpSink } from '../support/services.js';
import { byJob, Definitions, ended, execution, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';

interface Estimate {
  expectedMs: number | null;
  maxMs: number | null;
  progressPercent: number | null;
  etaAt: string | null;
  late: boolean;
}

describe(`running late alert and run estimates (${testDatabase()})`, () => {
  let portal: TestPortal;
  let nodes: TestExecNode[] = [];
  let defs: Definitions;
  let admin: HttpClient;
  let sink: SmtpSink;
  let work: string;

  before(async () => {
    sink = await startSmtpSink();
    // Late past 1.5 × the usual duration, but never before 1 s.
    portal = await startTestPortal({
      env: { SC__MAIL__ENABLED: 'true', SC__SCHEDULE__LATEFACTORPERCENT: '150', SC__SCHEDULE__LATEMINSECONDS: '1' },
    });
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    work = mkdtempSync(join(tmpdir(), 'meshcron-late-'));
    nodes = (await startHostNodes(defs, portal.url, ['late-a'])).map((item) => item.node);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
    await sink?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function estimate(runId: number): Promise<Estimate> {
    const response = await admin.api('GET', `/api/runs/${runId}`);
    assert.equal(response.status, 200, response.text);
    return response.json<{ data: { estimate: Estimate } }>().data.estimate;
  }

  it('learns the usual duration, shows progress moving, and mails one "running late" alert per attempt', async () => {
    const seconds = join(work, 'seconds');
    const iface = await defs.interface('late');
    await defs.job(iface, 'nightly_load', `sleep $(cat ${seconds})`);
    const dispatchId = await defs.dispatch(iface, false);
    await defs.mailAlerts(dispatchId, sink, ['late']);

    writeFileSync(seconds, '0.4');
    const first = await ended(admin, await runDispatch(admin, dispatchId, { dataDate: '2026-06-01' }));
    assert.equal(first.execution.state, 'succeeded');
    const learned = await estimate(first.runs[0].id);
    assert.equal(learned.progressPercent, 100);
    assert.ok(
      learned.expectedMs !== null && learned.expectedMs >= 400 && learned.expectedMs < 3000,
      `${learned.expectedMs}`,
    );

    writeFileSync(seconds, '4');
    sink.clear();
    const id = await runDispatch(admin, dispatchId, { dataDate: '2026-06-02' });
    const running = await waitFor('the slow run to start', 10_000, async () => {
      const run = byJob(await execution(admin, id)).get('nightly_load')!;
      return run.state === 'running' ? run : null;
    });
    const early = await estimate(running.id);
    assert.ok(early.etaAt !== null && Date.parse(early.etaAt) === Date.parse(running.startedAt!) + early.expectedMs!);
    const [mail] = await sink.waitFor(1, 10_000);
    const later = await estimate(running.id);
    assert.ok(later.progressPercent! > early.progressPercent! || early.progressPercent === 99, 'progress moves');
    assert.equal(later.progressPercent, 99, 'capped while running');
    assert.equal(later.late, true);
    assert.match(mail.subject, /RUNNING LATE/);
    assert.ok(mail.text.includes('nightly_load'), mail.text);
    assert.match(mail.text, /running for \d+ s, expected \d+ s/);

    assert.equal((await ended(admin, id)).execution.state, 'succeeded');
    await sleep(2500);
    assert.equal(sink.messages.length, 1, 'one late alert for the attempt');
  });
});
