import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { adminPage, launchBrowser } from '../support/browser.js';
import type { TestExecNode } from '../support/exec-node.js';
import { startTestPortal, type TestPortal } from '../support/portal.js';
import { Definitions, startHostNodes } from '../integration/engine-fixtures.js';

describe('backfill in a browser', () => {
  let portal: TestPortal;
  let defs: Definitions;
  let nodes: TestExecNode[] = [];
  let browser: Browser;
  let page: Page;

  before(async () => {
    portal = await startTestPortal({ database: 'sqlite' });
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    nodes = (await startHostNodes(defs, portal.url, ['backfill-e2e'])).map((item) => item.node);
    browser = await launchBrowser();
    page = await adminPage(browser, portal.url);
  });

  after(async () => {
    await browser?.close();
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
  });

  it('starts from the dispatch page, corrects a bad range, and follows the dates to the end', async () => {
    const iface = await defs.interface('backfill_e2e');
    await defs.job(iface, 'load', 'sleep 1');
    const dispatchId = await defs.dispatch(iface, false);

    await page.goto(`${portal.url}/dispatches/${dispatchId}`);
    await page.click('#dispatch-backfill');
    await page.waitForSelector('#backfill-form');
    await page.fill('#dateFrom', '2026-09-03');
    await page.fill('#dateThrough', '2026-09-01');
    await page.click('#backfill-submit');
    await page.waitForSelector('.mc-field-error[data-field="dateThrough"]');
    assert.equal(
      await page.textContent('.mc-field-error[data-field="dateThrough"]'),
      'must not be before the first date',
    );

    await page.fill('#dateThrough', '2026-09-04');
    await page.selectOption('#order', 'descending');
    await page.click('#backfill-submit');
    await page.waitForURL(/\/backfills\/\d+$/);
    assert.equal(await page.getAttribute('#backfill-state', 'data-state'), 'running');

    // The page reloads itself while the backfill runs; nobody touches it.
    await page.waitForSelector('#backfill-state[data-state="succeeded"]', { timeout: 30_000 });
    const dates = await page.$$eval('#backfill-dates tbody tr', (rows) =>
      rows.map((row) => [row.getAttribute('data-date'), row.querySelector('[data-state]')?.getAttribute('data-state')]),
    );
    assert.deepEqual(dates, [
      ['2026-09-04', 'succeeded'],
      ['2026-09-03', 'succeeded'],
    ]);
    assert.match((await page.textContent('#backfill-progress')) ?? '', /2\/2/);
    assert.equal(await page.$('#backfill-actions form'), null, 'no actions on an ended backfill');

    await page.click('#backfill-dates tbody tr[data-date="2026-09-03"] a');
    await page.waitForURL(/\/executions\/\d+$/);
    assert.equal(await page.textContent('#execution-data-date'), '2026-09-03');
    await page.click('#execution-backfill');
    await page.waitForURL(/\/backfills\/\d+$/);
    assert.equal(await page.getAttribute('#backfill-state', 'data-state'), 'succeeded');
  });
});
