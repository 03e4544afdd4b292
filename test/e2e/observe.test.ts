import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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

interface GraphNode {
  name: string;
  state: string;
  runId: number;
  itemStyle: { color: string };
}

/** The nodes of the job DAG chart, as ECharts holds them. */
function jobNodes(page: Page): Promise<GraphNode[]> {
  return page.evaluate(() => {
    const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): { getOption(): unknown } } })
      .echarts;
    const option = echarts.getInstanceByDom(document.getElementById('job-graph')!).getOption() as {
      series: { data: GraphNode[] }[];
    };
    return option.series[0]?.data ?? [];
  });
}

const FAILED_COLOR = '#e64340';

describe('observing executions in a browser', () => {
  let portal: TestPortal;
  let nodes: TestExecNode[] = [];
  let defs: Definitions;
  let admin: HttpClient;
  let browser: Browser;
  let page: Page;
  let work: string;

  before(async () => {
    portal = await startTestPortal({ database: 'sqlite' });
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    work = mkdtempSync(join(tmpdir(), 'meshcron-observe-'));
    nodes = (await startHostNodes(defs, portal.url, ['observe-a'])).map((item) => item.node);
    browser = await launchBrowser();
    page = await adminPage(browser, portal.url, 1000);
  });

  after(async () => {
    await browser?.close();
    await Promise.all(nodes.map((node) => node.close()));
    nodes = [];
    await portal?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows a failed execution first on the monitor, colours the failed job on the graph, and shows output as text', async () => {
    const fine = await defs.interface('obs_fine');
    await defs.job(fine, 'fine_job', 'echo fine');
    await ended(admin, await runDispatch(admin, await defs.dispatch(fine, false), { dataDate: '2026-06-01' }));
    const source = await defs.interface('obs_source');
    const first = await defs.job(source, 'ok_first', 'echo first');
    await defs.job(source, 'breaks', 'echo "loading rows"; echo "FATAL: bad row 42" >&2; exit 2', {
      prerequisites: [first],
    });
    await defs.job(
      source,
      'html_out',
      "echo '<b>bold</b><script>window.pwned=1</script>'; echo '::meshcron::output note=<i>seen</i>'",
    );
    const id = await runDispatch(admin, await defs.dispatch(source, false), { dataDate: '2026-06-01' });
    const info = await ended(admin, id);
    assert.equal(info.execution.state, 'failed');
    const runs = byJob(info);

    await page.goto(`${portal.url}/`);
    const firstRow = page.locator('#monitor-rows tr').first();
    assert.equal(await firstRow.getAttribute('data-state'), 'failed');
    assert.ok((await firstRow.textContent())!.includes('breaks'));
    assert.equal(await page.textContent('[data-count="failed"]'), '1');
    await page.click('.mc-monitor-count[data-status="succeeded"]');
    await page.waitForFunction(
      () => document.querySelector('#monitor-rows tr')?.getAttribute('data-state') === 'succeeded',
    );
    assert.ok(page.url().endsWith('/?status=succeeded'), 'the filter is kept in the address');
    await page.click('#filter-clear');

    await page.goto(`${portal.url}/executions/${id}`);
    await page.waitForFunction(() => {
      const echarts = (window as unknown as { echarts?: { getInstanceByDom(el: Element): unknown } }).echarts;
      const chart = echarts?.getInstanceByDom(document.getElementById('job-graph')!) as
        { getOption(): { series?: { data?: unknown[] }[] } } | undefined;
      return (chart?.getOption().series?.[0]?.data?.length ?? 0) > 0;
    });
    const graph = await jobNodes(page);
    const breaks = graph.find((node) => node.name === 'breaks')!;
    assert.equal(breaks.state, 'failed');
    assert.equal(breaks.itemStyle.color, FAILED_COLOR);
    assert.equal(graph.find((node) => node.name === 'ok_first')!.state, 'succeeded');

    await page.click(`#execution-run-rows tr[data-run-id="${runs.get('breaks')!.id}"] .mc-run-open`);
    await page.waitForSelector(`#run-panel[data-run-id="${runs.get('breaks')!.id}"]`);
    const panel = (await page.textContent('#run-panel'))!;
    assert.ok(panel.includes('FATAL: bad row 42') && panel.includes('2'), panel);
    assert.ok(await page.isVisible('#run-panel [data-action="rerun"]'));

    const htmlRun = runs.get('html_out')!.id;
    await page.click(`#execution-run-rows tr[data-run-id="${htmlRun}"] .mc-run-open`);
    await page.waitForSelector(`#run-panel[data-run-id="${htmlRun}"] .mc-run-outputs`);
    assert.deepEqual(await page.locator('#run-panel .mc-run-outputs dt').allTextContents(), ['note', 'result']);
    assert.equal(await page.locator('#run-panel .mc-run-outputs dd').first().textContent(), '<i>seen</i>');
    assert.equal(await page.locator('#run-panel i, #run-panel b, #run-panel script').count(), 0, 'outputs are text');

    await page.goto(`${portal.url}/runs/${runs.get('html_out')!.id}/log`);
    await page.waitForSelector('#log-view .mc-log-line');
    assert.equal(
      (await page.textContent('#log-view .mc-log-text'))!.trim(),
      '<b>bold</b><script>window.pwned=1</script>',
    );
    assert.equal(await page.locator('#log-view b, #log-view script').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  });

  it('tails the log of a running job and shows its error line, while the monitor shows it running', async () => {
    const hold = join(work, 'hold');
    writeFileSync(hold, '');
    const streaming = await defs.interface('obs_stream');
    await defs.job(
      streaming,
      'ticker',
      `i=0; while [ -f ${hold} ]; do i=$((i+1)); echo "tick $i"; sleep 0.2; done; echo "ERROR: upstream file vanished" >&2; exit 1`,
    );
    await page.goto(`${portal.url}/?status=running`);
    const id = await runDispatch(admin, await defs.dispatch(streaming, false), { dataDate: '2026-06-02' });
    const runId = await waitFor('the ticker to start', 10_000, async () => {
      const run = (await execution(admin, id)).runs[0];
      return run.state === 'running' && run.id;
    });
    await page.waitForSelector(
      `#monitor-rows tr[data-state="running"] >> text=${(await execution(admin, id)).runs[0].interfaceName}`,
      {
        timeout: 12_000,
      },
    );

    await page.goto(`${portal.url}/runs/${runId}/log`);
    await page.waitForSelector('#log-view .mc-log-text >> text=tick 2');
    const before = await page.locator('#log-view .mc-log-line').count();
    await page.waitForFunction(
      (count) => document.querySelectorAll('#log-view .mc-log-line').length >= count + 3,
      before,
    );
    unlinkSync(hold);
    await page.waitForSelector('#log-view .mc-log-text >> text=ERROR: upstream file vanished', { timeout: 15_000 });
    const info = await ended(admin, id);
    assert.equal(info.runs[0].state, 'failed');
  });
});
