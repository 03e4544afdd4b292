import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminPage, launchBrowser } from '../support/browser.js';
import { startTestPortal, type TestPortal } from '../support/portal.js';

/** The day an ETL team starts: everything created through the pages, as a person would. */
describe('defining a small mesh through the pages', () => {
  let portal: TestPortal;
  let browser: Browser;
  let page: Page;

  before(async () => {
    portal = await startTestPortal();
    browser = await launchBrowser();
    page = await adminPage(browser, portal.url);
  });

  after(async () => {
    await browser?.close();
    await portal?.close();
  });

  const listed = async (path: string, texts: string[]) => {
    await page.goto(`${portal.url}${path}`);
    const body = (await page.textContent('.mc-content')) ?? '';
    for (const text of texts) assert.ok(body.includes(text), `${path} lists ${text}`);
  };

  it('creates an exec host and sees it listed, without its token', async () => {
    await page.goto(`${portal.url}/exec-hosts/new`);
    await page.fill('#name', 'etl-01');
    await page.fill('#address', 'http://127.0.0.1:7999');
    await page.fill('#token', 'node-token-0123456789');
    await page.fill('#slots', '4');
    await page.fill('#tags', 'etl');
    await page.click('#host-save');
    await page.waitForURL(/\/exec-hosts\/\d+$/);
    await listed('/exec-hosts', ['etl-01', 'http://127.0.0.1:7999']);
    assert.ok(!(await page.content()).includes('node-token-0123456789'));
  });

  it('creates two interfaces and sees them listed', async () => {
    for (const name of ['ods', 'dw']) {
      await page.goto(`${portal.url}/interfaces/new`);
      await page.fill('#name', name);
      await page.fill('#folder', 'warehouse');
      await page.click('#interface-save');
      await page.waitForURL(/\/interfaces\/\d+/);
    }
    await listed('/interfaces', ['ods', 'dw']);
  });

  it('creates two jobs with a cross-interface dependency and sees them listed', async () => {
    await page.goto(`${portal.url}/jobs/new`);
    await page.fill('#interface', 'ods');
    await page.fill('#name', 'extract_orders');
    await page.check('input[name="targetKind"][value="host"]');
    await page.selectOption('#execHostId', { label: 'etl-01' });
    await page.fill('#command', 'sh extract.sh');
    await page.click('#job-save');
    await page.waitForURL(/\/jobs\/\d+/);

    await page.goto(`${portal.url}/jobs/new`);
    await page.fill('#interface', 'dw');
    await page.fill('#name', 'load_orders');
    await page.check('input[name="targetKind"][value="tag"]');
    await page.fill('#hostTag', 'etl');
    await page.fill('#command', 'sh load.sh');
    await page.fill('#addPrerequisites', 'ods / extract_orders');
    await page.click('#job-save');
    await page.waitForURL(/\/jobs\/\d+/);
    const detail = (await page.textContent('.mc-content')) ?? '';
    assert.ok(detail.includes('extract_orders'), 'the job page shows its prerequisite in the other interface');

    await listed('/jobs', ['extract_orders', 'load_orders']);
  });

  it('creates a dispatch with a live preview and sees it listed', async () => {
    await page.goto(`${portal.url}/dispatches/new`);
    await page.selectOption('#interfaceId', { label: 'ods' });
    await page.fill('#name', 'ods nightly');
    await page.fill('#cron', '0 30 2 L * ?');
    await page.fill('#timezone', 'Asia/Shanghai');
    // The preview is computed by the same code as the fires: last day of the month, 02:30 Shanghai.
    await page.waitForFunction(() => /18:30:00/.test(document.body.innerText));
    await page.click('#dispatch-save');
    await page.waitForURL(/\/dispatches\/\d+/);
    await listed('/dispatches', ['ods nightly', '0 30 2 L * ?']);
  });
});
