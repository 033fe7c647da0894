import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, callerGone, createHttpApp, createLogger, createMetrics, currentDeadline, currentSignal, finish, type AccessLogOptions } from '../src';

interface Line {
  level: number;
  msg: string;
  requestId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
}

/** An app whose log lines land in `lines`; its handlers log a line of their own too. */
async function start(accessLog: AccessLogOptions) {
  const lines: Line[] = [];
  const logger = createLogger('test', 'info', { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const app = createHttpApp({ logger, metrics: createMetrics('test'), readiness: {}, accessLog });
  app.get('/ok', (_req, res) => {
    logger.info('inside the handler');
    res.json({ deadline: currentDeadline() ?? null });
  });
  app.get('/slow', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 60));
    res.json({});
  });
  app.get('/refused', () => {
    throw new AppError('CONCERT_NOT_FOUND', 'no such concert');
  });
  let goneSeen: (v: boolean) => void = () => undefined;
  const gone = new Promise<boolean>((r) => (goneSeen = r));
  app.get('/hang', (_req, _res) => {
    // Never answers: the handler's work sees the client go away, and a signal asked for later is aborted.
    const t = setInterval(() => {
      if (!callerGone()) return;
      clearInterval(t);
      goneSeen(currentSignal()?.aborted === true);
    }, 5);
  });
  finish(app, logger);
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { lines, server, gone, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('the shared HTTP stack: request id, deadline, access log', () => {
  let all: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    all = await start({ sampleRate: 1, slowMs: 50 });
  });
  afterAll(() => new Promise<void>((r) => all.server.close(() => r())));

  it('every response carries the request id, and every log line of the request has it', async () => {
    const res = await fetch(`${all.base}/ok`, { headers: { 'x-request-id': 'req-abc-1' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc-1');
    await until(() => all.lines.some((l) => l.req?.url === '/ok'));
    const mine = all.lines.filter((l) => l.requestId === 'req-abc-1');
    expect(mine.map((l) => l.msg)).toEqual(['inside the handler', 'GET /ok 200 ' + String(mine[1]?.responseTime) + 'ms']);
    expect(mine[1]).toMatchObject({ level: 30, req: { method: 'GET', url: '/ok' }, res: { statusCode: 200 } });
    // A malformed id is replaced by a fresh one; a missing one too.
    const fresh = await fetch(`${all.base}/ok`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${all.base}/nope`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("honours the caller's deadline header", async () => {
    const before = Date.now();
    const body = (await (await fetch(`${all.base}/ok`, { headers: { 'x-request-deadline-ms': '3000' } })).json()) as { deadline: number };
    expect(body.deadline).toBeGreaterThanOrEqual(before + 3000);
    expect(body.deadline).toBeLessThanOrEqual(Date.now() + 3000);
    const late = await fetch(`${all.base}/ok`, { headers: { 'x-request-deadline-ms': '0' } });
    expect(late.status).toBe(503);
    expect(await late.json()).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });

  it('4xx at warn, slow requests at warn, probes not at all', async () => {
    const refused = await fetch(`${all.base}/refused`, { headers: { 'x-request-id': 'req-404' } });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ requestId: 'req-404', code: 'CONCERT_NOT_FOUND' });
    await fetch(`${all.base}/slow`, { headers: { 'x-request-id': 'req-slow' } });
    await fetch(`${all.base}/healthz`, { headers: { 'x-request-id': 'req-probe' } });
    await until(() => all.lines.some((l) => l.requestId === 'req-slow'));
    expect(all.lines.find((l) => l.requestId === 'req-404')).toMatchObject({ level: 40, res: { statusCode: 404 } });
    expect(all.lines.find((l) => l.requestId === 'req-slow')).toMatchObject({ level: 40, msg: expect.stringMatching(/\(slow\)$/) });
    expect(all.lines.some((l) => l.requestId === 'req-probe')).toBe(false);
  });

  it('a client that leaves before the answer is seen by the request (callerGone) and logged', async () => {
    const ac = new AbortController();
    const call = fetch(`${all.base}/hang`, { headers: { 'x-request-id': 'req-gone' }, signal: ac.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await call;
    expect(await all.gone).toBe(true);
    await until(() => all.lines.some((l) => l.requestId === 'req-gone'));
    expect(all.lines.find((l) => l.requestId === 'req-gone')).toMatchObject({ level: 40, msg: expect.stringContaining('closed by the client') });
  });
});

describe('access log sampling', () => {
  it('with sampleRate 0, successful requests get no line, refusals still do', async () => {
    const s = await start({ sampleRate: 0 });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${s.base}/ok`, { headers: { 'x-request-id': `ok-${i}` } });
      await fetch(`${s.base}/refused`, { headers: { 'x-request-id': 'refused-1' } });
      await until(() => s.lines.some((l) => l.requestId === 'refused-1' && l.res !== undefined));
      expect(s.lines.filter((l) => l.res !== undefined).map((l) => l.requestId)).toEqual(['refused-1']);
      // The handler's own lines keep their request id.
      expect(s.lines.filter((l) => l.msg === 'inside the handler').map((l) => l.requestId)).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
    } finally {
      await new Promise<void>((r) => s.server.close(() => r()));
    }
  });
});
