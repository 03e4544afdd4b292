import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { freePort } from '../support/services.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Starts `node dist/src/main.js` as `npm start` does, on embedded defaults, and reads what it prints. */
async function startPortal(dataDir: string, port: number, nodePort: number) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      SC__EXEC__LOCALNODEPORT: String(nodePort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Meshcron is up at/.test(output)) {
    if (child.exitCode !== null) throw new Error(`portal exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`portal did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('first start on embedded defaults', () => {
  let browser: Browser;
  let dataDir: string;
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let url: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meshcron-e2e-'));
    mkdirSync(dataDir, { recursive: true });
    const port = await freePort();
    portal = await startPortal(dataDir, port, await freePort());
    url = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stop(portal.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the admin credentials once, and a browser logs in with them and sees the menu', async () => {
    const match = /user:\s+(\S+)\s+password:\s+(\S+)/.exec(portal.output());
    assert.ok(match, 'the generated admin password is printed');
    const [, user, password] = match;
    const page = await browser.newPage();
    await page.goto(`${url}/users`);
    assert.match(page.url(), /\/login\?next=%2Fusers$/, 'pages redirect to the login form');
    await page.fill('#username', user);
    await page.fill('#password', 'wrong password 1');
    await page.click('#login-submit');
    assert.equal(await page.textContent('#login-error'), 'Invalid user name or password.');
    await page.fill('#password', password);
    await page.click('#login-submit');
    await page.waitForURL(`${url}/users`);
    const menu = await page.locator('#side-menu a').allTextContents();
    for (const item of [
      'Monitor',
      'Interfaces',
      'Jobs',
      'Dispatches',
      'Executions',
      'Exec hosts',
      'Alert channels',
      'Users',
      'Audit log',
    ]) {
      assert.ok(menu.includes(item), `menu shows ${item}: ${menu.join(', ')}`);
    }
    assert.equal(await page.locator('#users-table tbody tr').count(), 1);
    await page.screenshot({ path: join(dataDir, 'menu.png') });
    // The user menu logs out.
    await page.hover('#user-menu');
    await page.click('#logout');
    await page.waitForURL(`${url}/login`);
    await page.close();
  });

  it('started the local exec node and registered it as host "local"', () => {
    assert.match(portal.output(), /local exec node started/);
    assert.match(portal.output(), /exec node local .* listening on http:\/\/127\.0\.0\.1:/);
  });
});
