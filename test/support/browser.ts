import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './portal.js';
import { CHROMIUM_ARGS, chromiumPath } from './services.js';

/** Debian's Chromium, headless, with nothing that tries to reach the (closed) network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}

/** A new page signed in as the bootstrap admin through the login form, left on the home page. */
export async function adminPage(browser: Browser, portalUrl: string, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height } });
  await page.goto(`${portalUrl}/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${portalUrl}/`), page.click('#login-submit')]);
  return page;
}
