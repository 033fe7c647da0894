import { describe, expect, it } from 'vitest';
import { Admission, AppError, checkDeadline, requestContext } from '../src';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as AppError);

describe('admission control', () => {
  it('runs at most `limit` at once; the queue is bounded by its estimated wait, with Retry-After = the backlog', async () => {
    const a = new Admission({ kind: 't', limit: 2, maxQueue: 100, maxQueueDelayMs: 1000, initialServiceMs: 200 });
    let running = 0;
    let peak = 0;
    const work = (o: { deadline: number }) =>
      a.run(async () => {
        peak = Math.max(peak, ++running);
        await sleep(200);
        running--;
      }, o);
    // 2 run, 2 × (1000 / 200) = 10 may wait, the rest are refused at once.
    const results = await Promise.all(Array.from({ length: 20 }, () => failure(work({ deadline: Date.now() + 60_000 }))));
    expect(peak).toBe(2);
    const refused = results.filter((e) => e instanceof AppError);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(refused.length).toBeLessThanOrEqual(10);
    for (const e of refused) {
      expect(e!.code).toBe('OVERLOADED');
      expect(e!.status).toBe(503);
      expect(e!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
  });

  it('a waiter whose deadline passes leaves the queue without running; an aborted caller too', async () => {
    const a = new Admission({ kind: 't', limit: 1, maxQueue: 10, maxQueueDelayMs: 10_000, initialServiceMs: 10 });
    let ran = 0;
    const slow = a.run(() => sleep(300));
    const late = failure(a.run(async () => void ran++, { deadline: Date.now() + 100 }));
    const ac = new AbortController();
    const gone = failure(a.run(async () => void ran++, { signal: ac.signal }));
    ac.abort();
    expect((await late)?.code).toBe('DEADLINE_EXCEEDED');
    expect((await gone)?.code).toBe('DEADLINE_EXCEEDED');
    await slow;
    expect(ran).toBe(0);
    expect(a.waiting).toBe(0);
    expect((await failure(a.run(async () => 1, { deadline: Date.now() - 1 })))?.code).toBe('DEADLINE_EXCEEDED');
  });

  it('the adaptive limit falls when work is slower than its target and grows when it is fast', async () => {
    const a = new Admission({ kind: 't', limit: 20, adaptive: { min: 2, max: 40, targetMs: 20 }, maxQueue: 1000, maxQueueDelayMs: 60_000 });
    await Promise.all(Array.from({ length: 40 }, () => a.run(() => sleep(60))));
    expect(a.limit).toBeLessThan(20);
    const low = a.limit;
    for (let i = 0; i < 100; i++) await a.run(async () => undefined);
    expect(a.limit).toBeGreaterThan(low);
  });

  it('checkDeadline refuses work once the request deadline is (nearly) over', () => {
    requestContext.run({ requestId: 'r', deadline: Date.now() + 100 }, () => {
      expect(() => checkDeadline('w')).not.toThrow();
      expect(() => checkDeadline('w', 500)).toThrow(/deadline/);
    });
  });
});
