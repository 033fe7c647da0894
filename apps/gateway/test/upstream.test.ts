import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, createLogger, createMetrics, DEADLINE_HEADER, requestContext, UpstreamProblem } from '@concert/service-kit';
import { createUpstream } from '../src/data-access/upstream';

// A scripted HTTP peer: what matters here is how the gateway treats each kind of answer.
let server: Server;
let base: string;
/** The deadline header of every call that reached /deadline. */
const deadlineCalls: number[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type }).end(body);
    const problem = (status: number, code: string) =>
      send(status, 'application/problem+json', JSON.stringify({ type: 't', title: 'x', status, detail: `detail of ${code}`, code }));
    if (req.url === '/ok') return send(200, 'application/json', '{"a":1}');
    if (req.url === '/409') return problem(409, 'SEAT_UNAVAILABLE');
    if (req.url === '/410') return problem(410, 'RESERVATION_EXPIRED');
    if (req.url === '/403') return problem(403, 'FORBIDDEN');
    if (req.url === '/500') return problem(500, 'INTERNAL');
    if (req.url === '/html') return send(502, 'text/html', '<h1>bad gateway</h1>');
    if (req.url === '/garbage') return send(200, 'application/json', '{not json');
    if (req.url === '/slow') return void setTimeout(() => send(200, 'application/json', '{}'), 1500);
    if (req.url === '/busy') return void setTimeout(() => send(200, 'application/json', '{}'), 600);
    if (req.url === '/deadline') {
      deadlineCalls.push(Number(req.headers[DEADLINE_HEADER]));
      return send(200, 'application/json', '{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const metrics = createMetrics('t');
const errors = metrics.counter('t_upstream_errors_total', 'x', ['service', 'kind']);
const up = () => createUpstream('booking', base, 'x'.repeat(16), 500, { logger: createLogger('t', 'silent'), errors });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('upstream answers as the public API sees them', () => {
  it('passes a 4xx problem through unchanged', async () => {
    const e = await failure(up().get('/409'));
    expect(e).toBeInstanceOf(UpstreamProblem);
    expect((e as UpstreamProblem).problem).toMatchObject({ status: 409, code: 'SEAT_UNAVAILABLE', detail: 'detail of SEAT_UNAVAILABLE' });
    expect(((await failure(up().get('/410'))) as UpstreamProblem).problem.status).toBe(410);
    await expect(up().get('/ok')).resolves.toEqual({ status: 200, body: { a: 1 } });
  });

  it.each(['/500', '/html', '/garbage', '/slow', '/403'])('%s → 503 UPSTREAM_UNAVAILABLE', async (path) => {
    const e = await failure(up().get(path));
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('an unreachable service → 503 UPSTREAM_UNAVAILABLE and is counted', async () => {
    const dead = createUpstream('queue', 'http://127.0.0.1:9', 'x'.repeat(16), 500, { logger: createLogger('t', 'silent'), errors });
    expect(((await failure(dead.get('/x'))) as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await metrics.registry.getSingleMetricAsString('t_upstream_errors_total')).toContain('service="queue"');
  });
});

describe('the bulkhead queue (one slot)', () => {
  const oneSlot = () =>
    createUpstream('booking', base, 'x'.repeat(16), 2000, { logger: createLogger('t', 'silent'), errors }, {
      maxConcurrent: 1,
      maxQueued: 10,
      halfOpenAfterMs: 2000,
    });
  /** Runs `fn` as part of a request whose deadline is `ms` from now. */
  const within = <T>(ms: number, fn: () => Promise<T>) =>
    requestContext.run({ requestId: 'r', deadline: Date.now() + ms }, fn);

  it('drops a waiting call whose deadline passes: 503 at its deadline, never sent', async () => {
    const up = oneSlot();
    deadlineCalls.length = 0;
    const first = within(5000, () => up.get('/busy'));
    const t0 = Date.now();
    const queued = await failure(within(100, () => up.get('/deadline')));
    // Refused at its own deadline, not when the slot frees (600 ms).
    expect(Date.now() - t0).toBeLessThan(450);
    expect(queued).toBeInstanceOf(AppError);
    expect((queued as AppError).status).toBe(503);
    expect((queued as AppError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await first;
    await new Promise((r) => setTimeout(r, 50));
    expect(deadlineCalls).toEqual([]);
  });

  it('a call that waited is made with its own deadline, not that of the call that freed the slot', async () => {
    const up = oneSlot();
    deadlineCalls.length = 0;
    const first = within(5000, () => up.get('/busy'));
    await within(1000, () => up.get('/deadline'));
    await first;
    expect(deadlineCalls).toHaveLength(1);
    expect(deadlineCalls[0]).toBeLessThanOrEqual(1000);
    expect(deadlineCalls[0]).toBeGreaterThan(0);
  });
});
