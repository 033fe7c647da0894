import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep, type Api, type Platform } from '@concert/testing';
import { launchChromium, logIn, openPage, screenshot, signUp, unlabelledControls, type FanPage } from './support/browser';
import { HOLD_SECONDS, WEB_ADMIN, webPlatform } from './support/platform';

/**
 * The web app against the real platform (gateway, queue, booking, payment on Postgres, Redis
 * and Kafka), driven in headless Chromium: an operator and three fans in browser contexts of
 * their own, plus one fan through the API who stands in the queue in front of the third.
 * Steps run in order and share the pages; each leaves a screenshot under tmp/web-e2e/.
 */
let platform: Platform;
let api: Api;
let origin: string;
let browser: Browser;
const pages: FanPage[] = [];
let operator: FanPage;
let fanA: FanPage;
let fanB: FanPage;
let fanC: FanPage;
let winner: FanPage;
let loser: FanPage;
let concertId = '';
let keepQueueFanPolling: ReturnType<typeof setInterval> | undefined;
const run = randomUUID().slice(0, 8);
/** The pages poll every second or three; on a loaded CI box one tick can take longer than expect.poll's 1 s default. */
const UI_SETTLES = { timeout: 10_000 };
const email = (who: string) => `${who}-${run}@web-e2e.test`;

/** On failure, a screenshot of every open page (kept under tmp/web-e2e/), then the error. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    for (const p of pages) await screenshot(p, `FAILED-${name}`).catch(() => undefined);
    throw err;
  }
}

const state = (p: FanPage, seat: number) => p.page.getByTestId(`seat-${seat}`).getAttribute('data-state');
const text = async (p: FanPage, testId: string) => ((await p.page.getByTestId(testId).textContent()) ?? '').trim();

beforeAll(async () => {
  ({ platform, api, origin } = await webPlatform());
  browser = await launchChromium();
  operator = await openPage(browser, 'operator', origin);
  fanA = await openPage(browser, 'fan-a', origin);
  fanB = await openPage(browser, 'fan-b', origin);
  // The third fan is on a phone.
  fanC = await openPage(browser, 'fan-c-phone', origin, { width: 390, height: 844 });
  pages.push(operator, fanA, fanB, fanC);
});

afterAll(async () => {
  clearInterval(keepQueueFanPolling);
  await browser?.close();
  await platform?.stop();
});

describe('the web app in a real browser, against the real platform', () => {
  it('is served at / with a strict Content-Security-Policy and the usual security headers', async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "require-trusted-types-for 'script'"])
      expect(csp).toContain(d);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).not.toMatch(/<script>(?!<)/);
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    const asset = await fetch(`${origin}${js}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${origin}/assets/nope.js`)).status).toBe(404);
  });

  it('an operator creates and opens a concert and sets its queue policy', async () => {
    await step('operator-create', async () => {
      const p = operator.page;
      await logIn(operator, WEB_ADMIN.email, WEB_ADMIN.password);
      await p.getByRole('link', { name: 'Operator console' }).click();
      await p.getByLabel('Title').fill(`Browser Live ${run}`);
      await p.getByLabel('Artist').fill('The Headless Chromes');
      await p.getByLabel('Venue').fill('Loopback Hall');
      await p.getByLabel('Seats').fill('12');
      await p.getByLabel('Price').fill('50000.00');
      await p.getByRole('button', { name: 'Create concert' }).click();
      await p.waitForURL(/#\/admin\/[0-9a-f-]{36}$/);
      concertId = /#\/admin\/([0-9a-f-]{36})$/.exec(p.url())?.[1] ?? '';
      await expect.poll(() => text(operator, 'concert-status'), UI_SETTLES).toBe('Not on sale yet');
      await p.getByRole('button', { name: 'Open booking' }).click();
      await expect.poll(() => text(operator, 'concert-status'), UI_SETTLES).toBe('On sale');
      // Two fans at a time, so the third one waits.
      await p.getByLabel('Max active').fill('2');
      await p.getByRole('button', { name: 'Save policy' }).click();
      await p.getByText('Queue policy saved.').waitFor();
      await expect.poll(() => text(operator, 'q-rate'), UI_SETTLES).toContain('2 active max');
      expect(await text(operator, 's-free')).toBe('12');
      expect(await unlabelledControls(p)).toEqual([]);
      await screenshot(operator, 'console-created');
    });
  });

  it('two fans race for one seat: one holds it, the other sees it taken at once; the winner pays and sees CONFIRMED', async () => {
    await step('race', async () => {
      await Promise.all([signUp(fanA, email('a')), signUp(fanB, email('b'))]);
      await expect.poll(() => fanA.page.getByTestId('concert').filter({ hasText: `Browser Live ${run}` }).getByTestId('seats-left').textContent(), UI_SETTLES).toBe('12 of 12');
      await screenshot(fanA, 'concerts');
      for (const f of [fanA, fanB]) {
        await f.page.goto(`/#/concerts/${concertId}/queue`);
        await f.page.getByRole('heading', { name: 'Choose your seat' }).waitFor();
        await f.page.getByTestId('seat-3').waitFor();
      }
      await expect.poll(() => text(operator, 'q-active'), { timeout: 10_000 }).toBe('2');

      await Promise.all([fanA.page.getByTestId('seat-3').click(), fanB.page.getByTestId('seat-3').click()]);
      await expect.poll(async () => [await state(fanA, 3), await state(fanB, 3)].sort(), { timeout: 10_000 }).toEqual(['held', 'mine-held']);
      [winner, loser] = (await state(fanA, 3)) === 'mine-held' ? [fanA, fanB] : [fanB, fanA];
      await loser.page.getByText('Seat 3 is taken').waitFor({ timeout: 1000 });
      await expect(winner.page.getByTestId('hold-3').getByTestId('countdown').textContent()).resolves.toMatch(/^0:[0-4]\d$/);
      await screenshot(winner, 'race-won');
      await screenshot(loser, 'race-lost');
      await expect.poll(() => text(operator, 's-held'), { timeout: 5000 }).toBe('1');
    });
    await step('pay', async () => {
      const hold = winner.page.getByTestId('hold-3');
      await hold.getByRole('button', { name: /Top up 50,000\.00 and pay/ }).click();
      await winner.page.getByTestId('confirmation').waitFor();
      expect(await text(winner, 'reservation-status')).toBe('CONFIRMED');
      await screenshot(winner, 'confirmed');
      await expect.poll(() => state(loser, 3), { timeout: 5000 }).toBe('sold');
      await expect.poll(() => text(operator, 's-reserved'), { timeout: 5000 }).toBe('1');
      expect(await text(operator, 's-payments')).toBe('1 · 50,000.00');
      await winner.page.getByRole('button', { name: 'Back to the seat map' }).click();
      await expect.poll(() => state(winner, 3), UI_SETTLES).toBe('mine-sold');
    });
  });

  it('a third fan waits in the queue, sees the position fall, and is admitted when the operator lets more in', async () => {
    await step('queue-wait', async () => {
      // The paid fan's slot has ended; one active slot (the other fan) fills the queue.
      await operator.page.getByLabel('Max active').fill('1');
      await operator.page.getByRole('button', { name: 'Save policy' }).click();
      await expect.poll(() => text(operator, 'q-rate'), { timeout: 5000 }).toContain('1 active max');
      await expect.poll(() => text(operator, 'q-active'), { timeout: 10_000 }).toBe('1');
      // One fan through the API takes place 1 in the queue, so the phone fan is number 2.
      const d = await api.newUser('queue-d');
      const issued = await api.req<{ queueToken: string; status: string; position: number }>('POST', `/concerts/${concertId}/queue/tokens`, { token: d.token });
      expect(issued.body).toMatchObject({ status: 'WAITING', position: 1 });
      // A waiting fan who stops polling is evicted: this one keeps polling, as a browser would.
      keepQueueFanPolling = setInterval(() => void api.req('GET', '/queue/status', { token: d.token, queueToken: issued.body.queueToken }).catch(() => undefined), 2000);
      await signUp(fanC, email('c'));
      await fanC.page.goto(`/#/concerts/${concertId}/queue`);
      await expect.poll(() => text(fanC, 'queue-position'), { timeout: 15_000 }).toBe('2');
      await screenshot(fanC, 'waiting-room-2');
      await expect.poll(() => text(operator, 'q-waiting'), { timeout: 5000 }).toBe('2');
      await screenshot(operator, 'console-queue-2-waiting');

      // One more slot: the API fan goes in, the phone fan moves up to 1.
      const admittedBefore = Number(await text(operator, 'q-admitted'));
      await operator.page.getByLabel('Max active').fill('2');
      await operator.page.getByRole('button', { name: 'Save policy' }).click();
      await expect.poll(() => text(fanC, 'queue-position'), { timeout: 15_000 }).toBe('1');
      await screenshot(fanC, 'waiting-room-1');
      await expect.poll(async () => Number(await text(operator, 'q-admitted')), { timeout: 5000 }).toBeGreaterThan(admittedBefore);

      // And one more: the phone fan is admitted and lands on the seat map.
      await operator.page.getByLabel('Max active').fill('3');
      await operator.page.getByRole('button', { name: 'Save policy' }).click();
      await fanC.page.getByRole('heading', { name: 'Choose your seat' }).waitFor();
      await expect.poll(() => text(operator, 'q-waiting'), { timeout: 5000 }).toBe('0');
    });
    await step('phone-hold', async () => {
      // Keyboard only: focus a seat and press Enter.
      await fanC.page.getByTestId('seat-9').focus();
      await fanC.page.keyboard.press('Enter');
      await expect.poll(() => state(fanC, 9), { timeout: 10_000 }).toBe('mine-held');
      // Usable at phone width: nothing sticks out sideways.
      expect(await fanC.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await unlabelledControls(fanC.page)).toEqual([]);
      await screenshot(fanC, 'seat-map-phone');
      await expect.poll(() => text(operator, 's-held'), { timeout: 5000 }).toBe('1');
      await screenshot(operator, 'console-sales');
    });
  });

  it('a hold shows on the other fans’ maps within a second; when it expires it shows as expired and the seat comes free', async () => {
    await step('expiry', async () => {
      await loser.page.getByTestId('seat-7').click();
      await expect.poll(() => state(loser, 7), { timeout: 10_000 }).toBe('mine-held');
      const heldAt = Date.now();
      await expect.poll(() => state(winner, 7), { timeout: 1000, interval: 50 }).toBe('held');
      expect(Date.now() - heldAt).toBeLessThan(1000);
      await expect.poll(() => state(fanC, 7), { timeout: 1000, interval: 50 }).toBe('held');
      await screenshot(winner, 'seat-map');
      await screenshot(loser, 'hold-countdown');

      await loser.page.getByTestId('expired-7').waitFor({ timeout: (HOLD_SECONDS + 30) * 1000 });
      await loser.page.getByText('Your hold on seat 7 has expired').waitFor();
      await screenshot(loser, 'hold-expired');
      await expect.poll(() => state(winner, 7), { timeout: 10_000 }).toBe('free');
      await expect.poll(() => state(fanC, 7), { timeout: 3000 }).toBe('free');
      await screenshot(winner, 'seat-7-free-again');
    });
  });

  it('a replaced session sends the fan back to the login page with a clear message', async () => {
    await step('session', async () => {
      // A new login elsewhere replaces this session (the platform may be slow: retry a busy answer).
      await eventually(() => api.login(email(loser === fanA ? 'a' : 'b'), 'correct-horse-battery'), { timeoutMs: 30_000, intervalMs: 1000 });
      await loser.page.locator('#login-notice').waitFor({ timeout: 10_000 });
      expect(await loser.page.locator('#login-notice').textContent()).toContain('logged in somewhere else');
      await screenshot(loser, 'session-replaced');
    });
  });

  it('the platform busy (503) and rate limited (429) states are shown, and the app waits and retries', async () => {
    await step('busy', async () => {
      const fan = await openPage(browser, 'fan-e-busy', origin);
      pages.push(fan);
      await signUp(fan, email('e'));
      // The platform cannot be made busy on demand, so the browser answers the next calls itself:
      // first 503 + Retry-After (the app retries by itself), then 429 + Retry-After.
      let calls = 0;
      await fan.page.route('**/api/v1/concerts', async (route) => {
        calls++;
        if (calls === 1)
          return route.fulfill({ status: 503, headers: { 'retry-after': '2', 'content-type': 'application/problem+json' }, body: JSON.stringify({ type: 't', title: 'Busy', status: 503, detail: 'busy', code: 'UPSTREAM_UNAVAILABLE' }) });
        if (calls === 3)
          return route.fulfill({ status: 429, headers: { 'retry-after': '3', 'content-type': 'application/problem+json' }, body: JSON.stringify({ type: 't', title: 'Limited', status: 429, detail: 'slow down', code: 'RATE_LIMITED' }) });
        return route.continue();
      });
      await fan.page.goto('/#/balance');
      await fan.page.goto('/#/concerts');
      await fan.page.getByTestId('busy-banner').waitFor({ timeout: 5000 });
      await screenshot(fan, 'platform-busy');
      await fan.page.getByTestId('concert').first().waitFor({ timeout: 10_000 });
      await expect.poll(() => fan.page.getByTestId('busy-banner').count(), UI_SETTLES).toBe(0);
      // The list refreshes every 5 s: the third call is refused with 429.
      await fan.page.getByTestId('rate-limited-banner').waitFor({ timeout: 10_000 });
      expect(await fan.page.getByTestId('rate-limited-banner').textContent()).toMatch(/Please wait [1-3] s/);
      await screenshot(fan, 'rate-limited');
      await sleep(3500);
      expect(await fan.page.getByTestId('rate-limited-banner').count()).toBe(0);
    });
  });

  it('no page logged an error or a Content-Security-Policy violation', () => {
    for (const p of pages) expect(p.problems, p.name).toEqual([]);
  });
});
