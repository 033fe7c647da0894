import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = resolve(__dirname, '../../../..');
export const SHOTS = resolve(ROOT, 'tmp/web-e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. The machine has no network: these flags stop Chromium's own
 * background calls (updates, sync, field trials). Playwright gives the browser a fresh temporary
 * user-data dir, and every fan gets a browser context of their own (own storage, own session).
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface FanPage {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen on the page. */
  problems: string[];
}

export async function openPage(browser: Browser, name: string, origin: string, viewport = { width: 1280, height: 900 }): Promise<FanPage> {
  const context = await browser.newContext({ baseURL: origin, viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (4\d\d|503)/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  // Generous: the machine running these may be busy with other suites.
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(60_000);
  return { name, context, page, problems };
}

let shot = 0;
export async function screenshot(p: FanPage, step: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = resolve(SHOTS, `${String(++shot).padStart(2, '0')}-${p.name}-${step}.png`);
  await p.page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function signUp(p: FanPage, email: string, password = 'correct-horse-battery'): Promise<void> {
  await p.page.goto('/');
  await p.page.getByRole('button', { name: 'Create an account' }).click();
  await p.page.getByLabel('Email').fill(email);
  await p.page.getByLabel('Name').fill(p.name);
  await p.page.getByLabel('Password').fill(password);
  await p.page.getByRole('button', { name: 'Sign up' }).click();
  await p.page.getByRole('heading', { name: 'Concerts' }).waitFor();
}

export async function logIn(p: FanPage, email: string, password: string): Promise<void> {
  await p.page.goto('/');
  await p.page.getByLabel('Email').fill(email);
  await p.page.getByLabel('Password').fill(password);
  await p.page.getByRole('button', { name: 'Log in' }).click();
  await p.page.getByRole('heading', { name: 'Concerts' }).waitFor();
}

/** Every form control has a label and every button a name (a cheap accessibility floor). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('input, select, textarea'))) {
      const id = el.getAttribute('id');
      const labelled = (id && document.querySelector(`label[for="${id}"]`)) || el.getAttribute('aria-label') || el.closest('label');
      if (!labelled) bad.push(el.outerHTML.slice(0, 80));
    }
    for (const el of Array.from(document.querySelectorAll('button, a[href]'))) {
      const name = (el.getAttribute('aria-label') || el.textContent || '').trim();
      if (!name) bad.push(el.outerHTML.slice(0, 80));
    }
    return bad;
  });
}
