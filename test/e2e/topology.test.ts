import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ExecHostEntity } from '../../src/modules/exec-host/exec-host.entity.js';
import { adminPage, launchBrowser } from '../support/browser.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, type TestPortal } from '../support/portal.js';

interface ChartOption {
  series: {
    data: { name: string; x: number; y: number; category: number }[];
    categories: { name: string }[];
    center?: number[];
    zoom?: number;
  }[];
}

/** The option of the page's chart, as ECharts holds it. */
function chartOption(page: Page): Promise<ChartOption> {
  return page.evaluate(() => {
    const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): { getOption(): unknown } } })
      .echarts;
    return echarts.getInstanceByDom(document.getElementById('topology-chart')!).getOption() as ChartOption;
  });
}

/** How many pixels of the chart's canvas are not background (a drawn chart has many). */
function paintedPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#topology-chart canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let index = 0; index < pixels.length; index += 4) {
      if (pixels[index + 3] > 0 && (pixels[index] < 240 || pixels[index + 1] < 240 || pixels[index + 2] < 240))
        painted++;
    }
    return painted;
  });
}

async function waitForChart(page: Page): Promise<ChartOption> {
  await page.waitForSelector('#topology-chart[data-drawn]');
  return chartOption(page);
}

const names = (option: ChartOption) => option.series[0].data.map((item) => item.name);

describe('topology pages in a browser', () => {
  let portal: TestPortal;
  let admin: HttpClient;
  let browser: Browser;
  let page: Page;
  const ids: Record<string, number> = {};
  const suffix = String(Date.now() % 100000);
  const source = `source_${suffix}`;
  const target = `target_${suffix}`;
  const other = `other_${suffix}`;

  const create = async (path: string, key: string, body: Record<string, unknown>) => {
    const response = await admin.api('POST', path, body);
    assert.equal(response.status, 201, response.text);
    ids[key] = response.json<{ data: { id: number } }>().data.id;
  };

  before(async () => {
    portal = await startTestPortal({ database: 'sqlite' });
    admin = await portal.admin();
    const now = new Date();
    const host = await portal.app.get(DataSource).getRepository(ExecHostEntity).insert({
      name: 'topology-e2e-host',
      address: 'http://127.0.0.1:7391',
      tokenEncrypted: 'x',
      createdAt: now,
      updatedAt: now,
    });
    const hostId = Number((host.identifiers[0] as { id: number }).id);
    const job = (interfaceId: number, name: string, prerequisites: number[] = []) => ({
      interfaceId,
      name,
      execHostId: hostId,
      command: `/opt/etl/${name}.sh`,
      prerequisiteIds: prerequisites,
    });
    // source: extract → load.  target (child of source): load → transform → report.  other: transform → audit.
    await create('/api/interfaces', 'source', { name: source });
    await create('/api/interfaces', 'target', { name: target, parentIds: [ids.source] });
    await create('/api/interfaces', 'other', { name: other });
    await create('/api/jobs', 'extract', job(ids.source, 'extract'));
    await create('/api/jobs', 'load', job(ids.source, 'load', [ids.extract]));
    await create('/api/jobs', 'transform', job(ids.target, 'transform', [ids.load]));
    await create('/api/jobs', 'report', job(ids.target, 'report', [ids.transform]));
    await create('/api/jobs', 'audit', job(ids.other, 'audit', [ids.transform]));
    browser = await launchBrowser();
    page = await adminPage(browser, portal.url);
  });

  after(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('draws the job DAG of an interface with its prerequisite from another interface, and finds a node', async () => {
    await page.goto(`${portal.url}/interfaces/${ids.target}`);
    await Promise.all([page.waitForURL(/\/topology\/interfaces\/\d+$/), page.click('#interface-topology')]);
    const option = await waitForChart(page);
    assert.deepEqual(names(option).sort(), ['report', `${source} / load`, 'transform']);
    assert.ok((await paintedPixels(page)) > 500, 'the canvas shows the graph');
    const [load, transform, report] = [`${source} / load`, 'transform', 'report'].map((name) =>
      option.series[0].data.find((item) => item.name === name)!,
    );
    assert.ok(load.x < transform.x && transform.x < report.x, 'prerequisites are drawn left of their dependents');

    await page.fill('#node-search', 'REPORT');
    await page.press('#node-search', 'Enter');
    assert.equal(await page.textContent('#node-search-status'), 'Found 1 of 1: report');
    const searched = await chartOption(page);
    assert.deepEqual(searched.series[0].center, [report.x, report.y], 'the view moves to the node found');
    await page.fill('#node-search', 'nothing like it');
    await page.click('#node-search-go');
    assert.equal(await page.textContent('#node-search-status'), 'Nothing matches.');
    await page.screenshot({ path: join(tmpdir(), 'meshcron-topology-jobs.png') });
  });

  it('shows the interface mesh collapsed, expands an interface on click, and opens a job on click', async () => {
    await Promise.all([page.waitForURL(/view=mesh/), page.click('#tab-mesh')]);
    let option = await waitForChart(page);
    assert.deepEqual(names(option).sort(), [`${other} (1)`, `${source} (2)`, `${target} (2)`]);
    const clickNode = async (name: string) => {
      const point = await page.evaluate((wanted) => {
        const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): unknown } }).echarts;
        const chart = echarts.getInstanceByDom(document.getElementById('topology-chart')!) as {
          getOption(): ChartOption;
          convertToPixel(finder: { seriesIndex: number }, value: number[]): number[];
        };
        const item = chart.getOption().series[0].data.find((candidate) => candidate.name === wanted)!;
        return chart.convertToPixel({ seriesIndex: 0 }, [item.x, item.y]);
      }, name);
      const box = (await page.locator('#topology-chart').boundingBox())!;
      await page.mouse.click(box.x + point[0], box.y + point[1]);
    };
    await clickNode(`${source} (2)`);
    await page.waitForSelector('#panel-expand');
    await page.click('#panel-expand');
    await page.waitForFunction(() => document.querySelector('#mesh-expanded .mc-topology-chip') !== null);
    option = await waitForChart(page);
    assert.deepEqual(names(option).sort(), [
      `${other} (1)`,
      `${source} / extract`,
      `${source} / load`,
      `${target} (2)`,
    ]);
    await page.screenshot({ path: join(tmpdir(), 'meshcron-topology-mesh.png') });
    await Promise.all([page.waitForURL(new RegExp(`/jobs/${ids.extract}$`)), clickNode(`${source} / extract`)]);
  });

  it('opens the impact view of a job and lists and highlights what it blocks across interfaces', async () => {
    await page.goto(`${portal.url}/topology/interfaces/${ids.source}`);
    await waitForChart(page);
    await Promise.all([page.waitForURL(/view=impact/), page.click('#tab-impact')]);
    await page.selectOption('#impact-job', String(ids.extract));
    await Promise.all([page.waitForURL(new RegExp(`job=${ids.extract}`)), page.click('#impact-show')]);
    const option = await waitForChart(page);
    assert.equal(await page.textContent('#impact-jobs'), '4');
    assert.equal(await page.textContent('#impact-interfaces'), '2');
    const blocked = await page.$$eval('#impact-job-table tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
    );
    assert.deepEqual(blocked, [
      [source, 'load'],
      [other, 'audit'],
      [target, 'report'],
      [target, 'transform'],
    ]);
    const category = (name: string) => {
      const item = option.series[0].data.find((candidate) => candidate.name === name);
      assert.ok(item, `${name} is drawn`);
      return option.series[0].categories[item.category].name;
    };
    assert.equal(category(`${source} / extract`), 'Fails');
    assert.equal(category(`${source} / load`), 'Blocked');
    assert.equal(category(`${target} (2/2)`), 'Blocked', 'collapsed interfaces show blocked / runnable jobs');
    assert.equal(category(`${other} (1/1)`), 'Blocked');
    assert.ok((await paintedPixels(page)) > 500);
    const path = join(tmpdir(), 'meshcron-topology-impact.png');
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000);
  });
});
