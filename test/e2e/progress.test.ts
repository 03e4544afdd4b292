import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { adminPage, launchBrowser } from '../support/browser.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, type TestPortal } from '../support/portal.js';
import {
  byJob,
  Definitions,
  ended,
  execution,
  runDispatch,
  startHostNodes,
  waitFor,
} from '../integration/engine-fixtures.js';

describe('run progress and ETA in a browser', () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let defs: Definitions;
  let nodes: TestExecNode[] = [];
  let browser: Browser;
  let page: Page;
  let work: string;

  before(async () => {
    portal = await startTestPortal({ database: 'sqlite' });
    admin = await portal.admin();
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    work = mkdtempSync(join(tmpdir(), 'meshcron-progress-'));
    nodes = (await startHostNodes(defs, portal.url, ['progress-a'])).map((item) => item.node);
    browser = await launchBrowser();
    page = await adminPage(browser, portal.url);
  });

  after(async () => {
    await browser?.close();
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const percent = async () => Number(await page.getAttribute('#run-progress', 'data-percent'));

  it('shows progress growing and an expected end on a running job that has history', async () => {
    const seconds = join(work, 'seconds');
    const iface = await defs.interface('progress');
    await defs.job(iface, 'warehouse_load', `sleep $(cat ${seconds})`);
    const dispatchId = await defs.dispatch(iface, false);
    writeFileSync(seconds, '4');
    await ended(admin, await runDispatch(admin, dispatchId, { dataDate: '2026-08-01' }));

    writeFileSync(seconds, '12');
    const id = await runDispatch(admin, dispatchId, { dataDate: '2026-08-02' });
    const run = await waitFor('the run to start', 10_000, async () => {
      const item = byJob(await execution(admin, id)).get('warehouse_load')!;
      return item.state === 'running' ? item : null;
    });
    await page.goto(`${portal.url}/executions/${id}/runs/${run.id}`);
    await page.waitForFunction(() => document.getElementById('run-progress')?.getAttribute('data-percent') !== null);
    const first = await percent();
    assert.ok(first >= 0 && first < 90, `first reading ${first}`);
    assert.match((await page.textContent('#run-eta')) ?? '', /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z/);
    await page.waitForFunction(
      (before) => Number(document.getElementById('run-progress')?.getAttribute('data-percent')) > before,
      first,
      { timeout: 8000 },
    );
    const second = await percent();
    assert.ok(second > first, `${second} > ${first}`);
    assert.match((await page.textContent('#run-progress')) ?? '', /\d+ %/);
  });

  it('says "no history" for a job that never succeeded', async () => {
    const iface = await defs.interface('fresh');
    await defs.job(iface, 'first_ever', 'sleep 3');
    const id = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-08-03' });
    const run = await waitFor('the run to start', 10_000, async () => {
      const item = byJob(await execution(admin, id)).get('first_ever')!;
      return item.state === 'running' ? item : null;
    });
    await page.goto(`${portal.url}/executions/${id}/runs/${run.id}`);
    await page.waitForFunction(() => (document.getElementById('run-progress')?.textContent ?? '') !== '');
    assert.equal(await page.textContent('#run-progress'), 'no history');
    await ended(admin, id);
  });
});
