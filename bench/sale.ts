/**
 * `npm run bench`: a sale through the gateway, every step beside a bare Express server measured
 * in the same run. Absolute req/s on a shared 2-core machine never reproduce; a step's ratio to
 * the bare server of the same run does, so that ratio is the figure to read and compare.
 *
 *   npm run bench -- [--fans 2000] [--concurrency 100] [--replicas 1] [--hot 50] [--race 550] [--seats 49]
 *                    [--url http://127.0.0.1:8080/api/v1]
 *
 * Steps, in order (one table, req/s, p50/p95/p99, × bare):
 *   bare Express  GET /hello of bench/lib/bare-server.mjs, sampled right before and after every
 *                 throughput step; "× bare" is that step's req/s over the mean of its two samples
 *   bare hop      reference, not a goal: GET /hello of bench/lib/bare-hop.mjs, an Express server that asks
 *                 the bare server over keep-alive undici, the floor of any request crossing one internal hop
 *   signup, login every fan (signup hashes at scrypt N=2^10 in this run only: the sale is measured,
 *                 not password hashing, which production keeps at 2^15)
 *   enqueue       every fan takes a queue token            (`--concurrency` requests in flight)
 *   status poll   2 polls per fan                           (`--concurrency` in flight)
 *   hot seat      `--hot` fans go for one seat at once (1 wins)
 *   race          `--race` fans go for `--seats` other seats at once
 *   payments      every winner of the race pays at once
 *   pay→CONFIRMED paidAt → confirmedAt by the servers' clocks (one Postgres clock)
 * plus each service's RSS at idle and at the sale's peak, and the invariants (reconciliation).
 *
 * Without --url it builds the services and starts its own platform on database concert_sale:
 * one replica of each service by default, the layout for a 2-core box (`--replicas 2` runs two of
 * each backend). JSON of every run: bench/results/sale-<time>.json, and the latest of each layout
 * as bench/results/sale-latest.json (sale-latest-r2.json for two replicas).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { reconcile } from '@concert/ops';
import { uniqueName, waitFor, type Platform } from '@concert/testing';
import { createLoadClient } from './lib/http';
import { memorySampler, type MemoryRow } from './lib/memory';
import { BENCH_ADMIN, openBenchConcert, startBenchPlatform } from './lib/platform';
import { markdownTable, measure, printTable, ratioTo, saveJson, summarize, type StepResult } from './lib/stats';

const { values } = parseArgs({
  options: {
    fans: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '1' },
    hot: { type: 'string', default: '50' },
    race: { type: 'string', default: '550' },
    seats: { type: 'string', default: '49' },
    url: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const FANS = Number(values.fans);
const CONC = Number(values.concurrency);
const REPLICAS = Number(values.replicas);
const HOT = Number(values.hot);
const RACE = Number(values.race);
const SEATS = Number(values.seats);
if (HOT + RACE > FANS) throw new Error(`--hot + --race (${HOT + RACE}) must not exceed --fans (${FANS})`);
// Its own database, recreated per run: the reconciliation at the end checks the whole database.
const DATABASE = 'concert_sale';
const BARE_PORT = 19199;
const HOP_PORT = 19198;
const PRICE = '120000.00';

type Kind = 'throughput' | 'reference' | 'burst' | 'derived';
type Row = StepResult & { kind: Kind; ratio?: number; bareRps?: number; answers?: Record<string, number> };

const GOALS: { step: string; what: string; ok: (r: Row) => boolean; value: (r: Row) => string }[] = [
  { step: 'enqueue', what: '≥ 0.5× bare', ok: (r) => (r.ratio ?? 0) >= 0.5, value: (r) => `${r.ratio}×` },
  { step: 'status poll', what: '≥ 0.5× bare', ok: (r) => (r.ratio ?? 0) >= 0.5, value: (r) => `${r.ratio}×` },
  { step: 'hot seat', what: 'p95 ≤ 50 ms', ok: (r) => r.errors === 0 && r.p95 <= 50, value: (r) => `p95 ${r.p95} ms` },
  { step: 'race', what: 'p99 ≤ 500 ms', ok: (r) => r.errors === 0 && r.p99 <= 500, value: (r) => `p99 ${r.p99} ms` },
  { step: 'payments', what: 'p99 ≤ 300 ms', ok: (r) => r.errors === 0 && r.p99 <= 300, value: (r) => `p99 ${r.p99} ms` },
  { step: 'pay→CONFIRMED', what: 'p99 ≤ 200 ms', ok: (r) => r.errors === 0 && r.p99 <= 200, value: (r) => `p99 ${r.p99} ms` },
];

async function main(): Promise<void> {
  let platform: Platform | undefined;
  let url = values.url;
  if (!url) {
    ({ platform } = await startBenchPlatform({
      database: DATABASE,
      basePort: 19080,
      topicPrefix: `${uniqueName('bench')}.`,
      replicas: { 'queue-service': REPLICAS, 'booking-service': REPLICAS, 'payment-service': REPLICAS },
    }));
    url = platform.gatewayUrl;
  }
  const bare = spawn(process.execPath, ['bench/lib/bare-server.mjs', String(BARE_PORT)], { stdio: 'inherit' });
  const hop = spawn(process.execPath, ['bench/lib/bare-hop.mjs', String(HOP_PORT), `http://127.0.0.1:${BARE_PORT}`], { stdio: 'inherit' });
  try {
    for (const port of [BARE_PORT, HOP_PORT])
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/hello`).catch(() => null))?.ok === true, { timeoutMs: 10_000 });
    const procs = (platform?.services ?? []).map((s) => ({ name: `${s.name}:${s.port}`, pid: () => s.pid }));
    const result = await sale(url, memorySampler(procs));
    const stamp = result.at.replace(/[:.]/g, '-');
    saveJson(`${values.out}/sale-${stamp}.json`, result);
    // The latest run of each layout: the default one-replica layout is the README's table.
    saveJson(`${values.out}/sale-latest${REPLICAS === 1 ? '' : `-r${REPLICAS}`}.json`, result);
  } finally {
    bare.kill('SIGTERM');
    hop.kill('SIGTERM');
    await platform?.stop();
  }
}

async function sale(url: string, memory: ReturnType<typeof memorySampler>) {
  const client = createLoadClient(url, Math.max(CONC, RACE, HOT));
  // Every answer of a step is counted by status and code, so an error column is never a mystery.
  let answers: Record<string, number> = {};
  const call: typeof client = async (method, path, opts) => {
    try {
      const r = await client(method, path, opts);
      const code = (r.body as { code?: unknown } | undefined)?.code;
      const key = `${r.status}${typeof code === 'string' ? ` ${code}` : ''}`;
      answers[key] = (answers[key] ?? 0) + 1;
      return r as never;
    } catch (err) {
      const key = `failed: ${(err as Error).message}`;
      answers[key] = (answers[key] ?? 0) + 1;
      throw err;
    }
  };
  const bare = createLoadClient(`http://127.0.0.1:${BARE_PORT}`, CONC);
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const rows: Row[] = [];
  const step = async (name: string, kind: Kind, n: number, concurrency: number, task: (i: number) => Promise<boolean>) => {
    answers = {};
    const m = await measure(n, concurrency, task);
    const row: Row = { ...summarize(name, m.latencies, m.errors, m.seconds), kind, answers };
    rows.push(row);
    console.log(`${name.padEnd(16)} ${row.requests} req, ${row.errors} errors, ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms  ${JSON.stringify(answers)}`);
    return row;
  };
  // The baseline is sampled right before and right after every throughput step, and the step's
  // ratio is taken to the mean of those two: on a shared machine the load of the moment moves
  // both alike, while the sale's own phases move neither.
  const bareLatencies: number[] = [];
  const bareSamples: number[] = [];
  const sampleBare = async () => {
    const m = await measure(2000, CONC, async () => (await bare('GET', '/hello')).status === 200);
    bareLatencies.push(...m.latencies);
    const rps = Math.round(2000 / m.seconds);
    bareSamples.push(rps);
    return rps;
  };
  const throughput = async (name: string, n: number, task: (i: number) => Promise<boolean>) => {
    const before = await sampleBare();
    const row = await step(name, 'throughput', n, CONC, task);
    const after = await sampleBare();
    row.bareRps = Math.round((before + after) / 2);
    row.ratio = ratioTo(row.bareRps, row);
    return row;
  };
  await measure(2000, CONC, async () => (await bare('GET', '/hello')).status === 200); // warm-up, not recorded
  // The reference floor of one internal hop (bench/lib/bare-hop.mjs), beside the bare server.
  const bareHop = createLoadClient(`http://127.0.0.1:${HOP_PORT}`, CONC);
  await measure(2000, CONC, async () => (await bareHop('GET', '/hello')).status === 200); // warm-up
  const hopRow = await throughput('bare hop (reference)', 4000, async () => (await bareHop('GET', '/hello')).status === 200);
  hopRow.kind = 'reference';

  const adminLogin = await call<{ accessToken: string }>('POST', '/auth/login', { body: BENCH_ADMIN });
  if (adminLogin.status !== 200) throw new Error(`admin login: ${adminLogin.status} ${JSON.stringify(adminLogin.body)}`);
  const admin = adminLogin.body.accessToken;
  const openConcert = async (title: string, seats: number) => {
    const id = await openBenchConcert(call, admin, { title, seats, price: PRICE });
    await call('PUT', `/admin/concerts/${id}/queue-policy`, {
      headers: auth(admin),
      body: { admitPerSecond: 2000, maxActive: FANS, activeTtlSeconds: 900 },
    });
    return id;
  };
  const concertId = await openConcert(`Bench sale ${new Date().toISOString()}`, SEATS + 1);
  const warmupConcertId = await openConcert('Bench warm-up', 10);

  const run = randomUUID().slice(0, 8);
  const email = (i: number) => `bench-${run}-${i}@load.test`;
  const password = 'correct-horse-battery';
  const tokens: string[] = new Array(FANS);
  const queueTokens: string[] = new Array(FANS);
  const queueHeaders = (i: number) => ({ ...auth(tokens[i]!), 'x-queue-token': queueTokens[i]! });

  memory.idle();
  await throughput('signup', FANS, async (i) =>
    (await call('POST', '/auth/signup', { body: { email: email(i), name: 'fan', password } })).status === 201);
  await throughput('login', FANS, async (i) => {
    const r = await call<{ accessToken: string }>('POST', '/auth/login', { body: { email: email(i), password } });
    tokens[i] = r.body.accessToken;
    return r.status === 200;
  });

  // The services' code paths are warmed (JIT) on another concert first, as the baseline is.
  const warm = Math.min(FANS, 300);
  await measure(warm, CONC, async (i) => {
    const r = await call<{ queueToken: string }>('POST', `/concerts/${warmupConcertId}/queue/tokens`, { headers: auth(tokens[i]!) });
    await call('GET', '/queue/status', { headers: { ...auth(tokens[i]!), 'x-queue-token': r.body.queueToken } });
    return true;
  });

  await throughput('enqueue', FANS, async (i) => {
    const r = await call<{ queueToken: string }>('POST', `/concerts/${concertId}/queue/tokens`, { headers: auth(tokens[i]!) });
    queueTokens[i] = r.body.queueToken;
    return r.status === 201;
  });
  await throughput('status poll', FANS * 2, async (j) =>
    (await call('GET', '/queue/status', { headers: queueHeaders(j % FANS) })).status === 200);

  // Setup, not measured: the fans of the next steps wait until they are admitted.
  const players = HOT + RACE;
  await measure(players, CONC, async (i) => {
    for (;;) {
      const r = await call<{ status: string }>('GET', '/queue/status', { headers: queueHeaders(i) });
      if (r.status !== 200) throw new Error(`status poll: ${r.status} ${JSON.stringify(r.body)}`);
      if (r.body.status === 'ACTIVE') return true;
      await new Promise((res) => setTimeout(res, 250));
    }
  });
  await throughput('charge', players, async (i) =>
    (await call('POST', '/me/balance/charge', { headers: { ...auth(tokens[i]!), 'idempotency-key': randomUUID() }, body: { amount: PRICE } })).status === 200);

  const holdAnswers: Record<string, number> = {};
  const winners: { i: number; reservationId: string }[] = [];
  const hold = async (i: number, seatNumber: number, record: boolean) => {
    const r = await call<{ id: string; code?: string }>('POST', '/reservations', { headers: queueHeaders(i), body: { concertId, seatNumber } });
    const key = r.status === 201 ? '201' : `${r.status} ${r.body.code ?? ''}`;
    holdAnswers[key] = (holdAnswers[key] ?? 0) + 1;
    if (r.status === 201 && record) winners.push({ i, reservationId: r.body.id });
    // A lost race is the expected answer, not an error.
    return r.status === 201 || (r.status === 409 && r.body.code === 'SEAT_UNAVAILABLE');
  };
  // The hot seat is the last seat; fans 0..HOT-1 all want it at the same moment.
  await step('hot seat', 'burst', HOT, HOT, (i) => hold(i, SEATS + 1, false));
  // The race: RACE other fans at once over the other SEATS seats.
  await step('race', 'burst', RACE, RACE, (k) => hold(HOT + k, (k % SEATS) + 1, true));

  // Every winner pays at once; the step times the payment request. Confirmation is timed by the
  // servers' clocks (paidAt → confirmedAt); the client polls only to learn when it is done.
  const paid: { i: number; reservationId: string; paidAt: string }[] = [];
  await step('payments', 'burst', winners.length, winners.length, async (k) => {
    const { i, reservationId } = winners[k]!;
    const r = await call<{ paidAt: string }>('POST', '/payments', { headers: { ...queueHeaders(i), 'idempotency-key': randomUUID() }, body: { reservationId } });
    if (r.status === 201) paid.push({ i, reservationId, paidAt: r.body.paidAt });
    return r.status === 201;
  });
  const confirmLatency: number[] = [];
  await Promise.all(
    paid.map(async ({ i, reservationId, paidAt }) => {
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        const g = await call<{ status: string; confirmedAt: string | null }>('GET', `/reservations/${reservationId}`, { headers: auth(tokens[i]!) });
        if (g.body.status === 'CONFIRMED' && g.body.confirmedAt) {
          confirmLatency.push(Date.parse(g.body.confirmedAt) - Date.parse(paidAt));
          return;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    }),
  );
  rows.push({ ...summarize('pay→CONFIRMED', confirmLatency, winners.length - confirmLatency.length, 0), kind: 'derived' });
  const memoryRows = memory.stop();
  const bareRps = Math.round(bareSamples.reduce((a, b) => a + b, 0) / bareSamples.length);
  rows.unshift({ ...summarize(`bare Express (${bareSamples.length} samples)`, bareLatencies, 0, 0), rps: bareRps, kind: 'throughput', ratio: 1 });

  const report = await reconcile({ database: values.url ? 'concert' : DATABASE, settleMs: 15_000 });
  const seats = await call<{ seats: { status: string }[] }>('GET', `/concerts/${concertId}/seats`);
  const invariants = {
    winners: winners.length,
    expectedWinners: Math.min(SEATS, RACE),
    holdAnswers,
    reservedSeats: seats.body.seats.filter((s) => s.status === 'RESERVED').length,
    violations: report.violations,
  };
  const goals = GOALS.map((g) => {
    const r = rows.find((x) => x.step === g.step)!;
    return { step: g.step, goal: g.what, measured: g.value(r), met: g.ok(r) };
  });
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const layout = values.url ? 'external' : `gateway ×1, queue ×${REPLICAS}, booking ×${REPLICAS}, payment ×${REPLICAS}`;

  printTable(`Sale through the gateway: ${FANS} fans, ${CONC} in flight, ${layout}; bare Express ${bareRps} req/s`, rows);
  console.table(rows.filter((r) => r.ratio !== undefined).map((r) => ({ step: r.step, 'req/s': r.rps, 'bare req/s': r.bareRps ?? r.rps, '× bare': r.ratio })));
  console.table(memoryRows);
  console.table(goals);
  console.log('invariants', JSON.stringify(invariants, null, 2));
  console.log(`\nMarkdown (${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty ? ' + local changes' : ''}, ${layout}):\n`);
  console.log(markdownTable(rows));
  console.log(`\n| process | RSS idle MiB | RSS peak MiB |\n| --- | --- | --- |\n${memoryRows.map((m: MemoryRow) => `| ${m.process} | ${m.idleMiB} | ${m.peakMiB} |`).join('\n')}\n`);
  return {
    at: new Date().toISOString(),
    commit,
    dirty,
    machine: { cpus: cpus().length, node: process.version },
    layout,
    params: { fans: FANS, concurrency: CONC, replicas: REPLICAS, hot: HOT, race: RACE, seats: SEATS },
    bareRps,
    bareSamples,
    steps: rows,
    memory: memoryRows,
    goals,
    invariants,
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
