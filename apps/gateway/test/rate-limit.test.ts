import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestGateway, type TestGateway } from './support/gateway';

// Small limits so the test trips them quickly; loopback counted (RATE_LIMIT_LOOPBACK=true).
let gw: TestGateway;
let exempt: TestGateway;
let spend: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    RATE_LIMIT_LOOPBACK: 'true',
    RATE_LIMIT_IP_POINTS: '1000',
    RATE_LIMIT_IP_DURATION_SECONDS: '60',
    RATE_LIMIT_USER_POINTS: '5',
    RATE_LIMIT_USER_DURATION_SECONDS: '60',
    RATE_LIMIT_ENQUEUE_POINTS: '3',
    RATE_LIMIT_ENQUEUE_DURATION_SECONDS: '60',
  });
  exempt = await startTestGateway({ RATE_LIMIT_IP_POINTS: '5', RATE_LIMIT_IP_DURATION_SECONDS: '60' });
  // A user window of one second, so a test can wait it out and see what the enqueue budget kept.
  spend = await startTestGateway({
    RATE_LIMIT_USER_POINTS: '4',
    RATE_LIMIT_USER_DURATION_SECONDS: '1',
    RATE_LIMIT_ENQUEUE_POINTS: '3',
    RATE_LIMIT_ENQUEUE_DURATION_SECONDS: '60',
  });
});
afterAll(async () => {
  await gw?.stop();
  await exempt?.stop();
  await spend?.stop();
});

describe('rate limits', () => {
  it('per user: the 6th request in the window → 429 RATE_LIMITED with Retry-After', async () => {
    const token = await gw.login({ id: randomUUID() });
    const replies = await Promise.all(Array.from({ length: 8 }, () => call('GET', `${gw.api}/me/balance`, { token })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    for (const r of limited) {
      expect(r.body.code).toBe('RATE_LIMITED');
      expect(r.contentType).toContain('application/problem+json');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    // Another user is not affected.
    const other = await gw.login({ id: randomUUID() });
    expect((await call('GET', `${gw.api}/me/balance`, { token: other })).status).not.toBe(429);
  });

  it('enqueue attempts per user per concert are capped', async () => {
    const token = await gw.login({ id: randomUUID() });
    const concertId = randomUUID();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('POST', `${gw.api}/concerts/${concertId}/queue/tokens`, { token })).status);
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses[3]).toBe(429);
    // Another concert has its own budget.
    expect((await call('POST', `${gw.api}/concerts/${randomUUID()}/queue/tokens`, { token })).status).not.toBe(429);
  });

  it('per IP counts when loopback is not exempt; loopback is exempt by default', async () => {
    const strict = await startTestGateway({ RATE_LIMIT_LOOPBACK: 'true', RATE_LIMIT_IP_POINTS: '5', RATE_LIMIT_IP_DURATION_SECONDS: '60' });
    try {
      const replies = await Promise.all(Array.from({ length: 12 }, () => call('GET', `${strict.api}/concerts/not-a-uuid`)));
      expect(replies.filter((r) => r.status === 429)).toHaveLength(7);
      expect(replies.find((r) => r.status === 429)?.headers.get('retry-after')).toBeTruthy();
    } finally {
      await strict.stop();
    }
    const replies = await Promise.all(Array.from({ length: 12 }, () => call('GET', `${exempt.api}/concerts/not-a-uuid`)));
    expect(replies.every((r) => r.status === 404)).toBe(true);
  });

  describe('a refused enqueue spends no enqueue attempt', () => {
    const enqueue = (token: string, concertId: string) => call('POST', `${spend.api}/concerts/${concertId}/queue/tokens`, { token });
    const nextUserWindow = () => new Promise((r) => setTimeout(r, 1100));
    // The fan's whole budget is still there: three attempts pass the limit (the dead upstream
    // answers them 503), the fourth is refused by it.
    const expectFullBudget = async (token: string, concertId: string) => {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await enqueue(token, concertId)).status);
      expect(statuses.slice(0, 3)).not.toContain(429);
      expect(statuses[3]).toBe(429);
    };

    it('401: a revoked session', async () => {
      const id = randomUUID();
      const concertId = randomUUID();
      const revoked = await spend.login({ id });
      const live = await spend.login({ id });
      for (let i = 0; i < 2; i++) {
        const r = await enqueue(revoked, concertId);
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('TOKEN_REVOKED');
      }
      await nextUserWindow();
      await expectFullBudget(live, concertId);
    });

    it('429: the user limit', async () => {
      const token = await spend.login({ id: randomUUID() });
      const concertId = randomUUID();
      for (let i = 0; i < 4; i++) await call('GET', `${spend.api}/me`, { token });
      for (let i = 0; i < 2; i++) expect((await enqueue(token, concertId)).status).toBe(429);
      await nextUserWindow();
      await expectFullBudget(token, concertId);
    });
  });
});
