/**
 * `npx tsx bench/hold-refusals.ts`: the cost of a refused hold, the most frequent answer of a
 * sale's hot seat and race. One seat is taken, then bursts of holds for it are fired at once,
 * straight at booking-service's internal route (with the gateway's service token) and through
 * the gateway, beside the bare Express server of `npm run bench`. Prints, per path, req/s,
 * latencies and the CPU milliseconds each process spent per request (from /proc), the figure a
 * change to the refusal path should move.
 *
 *   npx tsx bench/hold-refusals.ts [--n 2000] [--burst 50] [--rounds 3] [--fans 50]
 *
 * `--burst` requests are in flight at once (the hot seat's 50 fans). It builds the services and
 * starts its own platform (one replica each, database concert_holds, Redis db 3), as `npm run
 * bench` does; SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=tmp/prof' profiles the services.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { serviceTokenSource } from '@concert/service-kit';
import { uniqueName, waitFor, type ServiceProcess } from '@concert/testing';
import { createLoadClient } from './lib/http';
import { BENCH_ADMIN, openBenchConcert, startBenchPlatform } from './lib/platform';
import { measure, saveJson, summarize, type StepResult } from './lib/stats';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    burst: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    hot: { type: 'string', default: '50' },
    race: { type: 'string', default: '550' },
    seats: { type: 'string', default: '49' },
    // Experiment: refusals straight at booking before the cold bursts (how much of a cold burst is a cold booking).
    prewarm: { type: 'string', default: '0' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const N = Number(values.n);
const BURST = Number(values.burst);
const ROUNDS = Number(values.rounds);
const HOT = Number(values.hot);
const RACE = Number(values.race);
const SEATS = Number(values.seats);
const FANS = HOT + RACE;
const DATABASE = 'concert_holds';
const BARE_PORT = 19197;

type Row = StepResult & { cpuMsPerRequest: Record<string, number>; machineBusy: number; answers: Record<string, number> };

/** Busy and total jiffies of the whole machine (every core), from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (USER_HZ = 100). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function main(): Promise<void> {
  const { platform, secrets } = await startBenchPlatform({ database: DATABASE, basePort: 19280, topicPrefix: `${uniqueName('holdbench')}.` });
  const bareServer = spawn(process.execPath, ['bench/lib/bare-server.mjs', String(BARE_PORT)], { stdio: 'inherit' });
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${BARE_PORT}/hello`).catch(() => null))?.ok === true, { timeoutMs: 10_000 });
    const rows = await run(platform.gatewayUrl, platform.services, platform.byName('booking-service')[0]!, secrets.INTERNAL_KEY_GATEWAY!);
    const at = new Date().toISOString();
    saveJson(`${values.out}/hold-refusals-latest.json`, { at, params: { n: N, burst: BURST, rounds: ROUNDS, hot: HOT, race: RACE, seats: SEATS }, rows });
  } finally {
    bareServer.kill('SIGTERM');
    await platform.stop();
  }
}

async function run(gatewayUrl: string, services: ServiceProcess[], booking: ServiceProcess, gatewayKey: string): Promise<Row[]> {
  const gateway = createLoadClient(gatewayUrl, Math.max(BURST, FANS));
  const bare = createLoadClient(`http://127.0.0.1:${BARE_PORT}`, BURST);
  const direct = createLoadClient(`${booking.url}/internal`, BURST);
  const serviceToken = serviceTokenSource('gateway', gatewayKey, 'booking-service');
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  // A concert of SEATS + 1 seats, open now, every fan admitted.
  const admin = (await gateway<{ accessToken: string }>('POST', '/auth/login', { body: BENCH_ADMIN })).body.accessToken;
  const concertId = await openBenchConcert(gateway, admin, { title: `Hold refusals ${new Date().toISOString()}`, seats: SEATS + 1, price: '100.00' });
  await gateway('PUT', `/admin/concerts/${concertId}/queue-policy`, { headers: auth(admin), body: { admitPerSecond: 2000, maxActive: FANS, activeTtlSeconds: 900 } });

  const run = randomUUID().slice(0, 8);
  const fans: Record<string, string>[] = [];
  await measure(FANS, 20, async (i) => {
    const body = { email: `holds-${run}-${i}@load.test`, name: 'fan', password: 'correct-horse-battery' };
    await gateway('POST', '/auth/signup', { body });
    const token = (await gateway<{ accessToken: string }>('POST', '/auth/login', { body })).body.accessToken;
    const queueToken = (await gateway<{ queueToken: string }>('POST', `/concerts/${concertId}/queue/tokens`, { headers: auth(token) })).body.queueToken;
    fans[i] = { ...auth(token), 'x-queue-token': queueToken };
    for (;;) {
      const s = await gateway<{ status: string }>('GET', '/queue/status', { headers: fans[i] });
      if (s.body.status === 'ACTIVE') return true;
      await new Promise((res) => setTimeout(res, 250));
    }
  });

  const rows: Row[] = [];
  const record = async (name: string, n: number, inFlight: number, task: (i: number, answers: Record<string, number>) => Promise<boolean>) => {
    const answers: Record<string, number> = {};
    const pids = [...services.map((s) => ({ name: s.name, pid: s.pid })), { name: 'load generator', pid: process.pid }];
    const before = pids.map((s) => cpuSeconds(s.pid));
    const machine = machineJiffies();
    const m = await measure(n, inFlight, (i) => task(i, answers));
    const machineAfter = machineJiffies();
    const after = pids.map((s) => cpuSeconds(s.pid));
    const cpuMsPerRequest = Object.fromEntries(pids.map((s, k) => [s.name, Math.round(((after[k]! - before[k]!) * 1e6) / n) / 1000]));
    // Share of the whole machine (all cores) that was busy meanwhile, whoever used it.
    const machineBusy = Math.round(((machineAfter.busy - machine.busy) / (machineAfter.total - machine.total)) * 100) / 100;
    const row: Row = { ...summarize(name, m.latencies, m.errors, m.seconds), cpuMsPerRequest, machineBusy, answers };
    rows.push(row);
    const cpu = Object.entries(cpuMsPerRequest).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`${row.step.padEnd(20)} ${String(row.rps).padStart(6)} req/s  p50 ${row.p50}  p95 ${row.p95}  p99 ${row.p99} ms  errors ${row.errors}  machine ${Math.round(machineBusy * 100)}% busy  CPU ms/req: ${cpu || '-'}  ${JSON.stringify(answers)}`);
  };
  const hold = async (fan: number, seatNumber: number, answers: Record<string, number>) =>
    count(answers, await gateway('POST', '/reservations', { headers: fans[fan]!, body: { concertId, seatNumber } }), (r) => r.status === 201 || refused(r));
  const refused = (r: { status: number; body: { code?: unknown } }) => r.status === 409 && r.body.code === 'SEAT_UNAVAILABLE';

  const internal = async () => ({ [INTERNAL_TOKEN_HEADER]: await serviceToken(), 'x-request-deadline-ms': '5000' });
  if (Number(values.prewarm) > 0) {
    const warmConcert = await openBenchConcert(gateway, admin, { title: `Hold refusals warm-up ${new Date().toISOString()}`, seats: 1, price: '100.00' });
    await direct('POST', '/reservations', { headers: await internal(), body: { userId: randomUUID(), concertId: warmConcert, seatNumber: 1 } });
    await measure(Number(values.prewarm), BURST, async () => {
      await direct('POST', '/reservations', { headers: await internal(), body: { userId: randomUUID(), concertId: warmConcert, seatNumber: 1 } });
      return true;
    });
  }
  // The sale's two bursts first, as cold as in `npm run bench` (no hold has been made yet).
  await record('hot seat (cold)', HOT, HOT, (i, a) => hold(i, SEATS + 1, a));
  await record('race (cold)', RACE, RACE, (k, a) => hold(HOT + k, (k % SEATS) + 1, a));

  const paths: Record<string, (i: number, answers: Record<string, number>) => Promise<boolean>> = {
    bare: async () => (await bare('GET', '/hello')).status === 200,
    'booking direct': async (_i, answers) =>
      count(answers, await direct('POST', '/reservations', {
        headers: await internal(),
        body: { userId: randomUUID(), concertId, seatNumber: SEATS + 1 },
      }), refused),
    'via gateway': async (i, answers) =>
      count(answers, await gateway('POST', '/reservations', { headers: fans[i % FANS]!, body: { concertId, seatNumber: SEATS + 1 } }), refused),
  };
  // Warm-up, not recorded: JIT, pools and scripts (the sale's hot seat has its own cold start).
  for (const task of Object.values(paths)) await measure(Math.min(N, 500), BURST, (i) => task(i, {}));

  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, task] of Object.entries(paths)) await record(`${name} #${round}`, N, BURST, task);
  }
  return rows;
}

function count(answers: Record<string, number>, r: { status: number; body: { code?: unknown } }, ok: (r: { status: number; body: { code?: unknown } }) => boolean): boolean {
  const key = `${r.status}${typeof r.body.code === 'string' ? ` ${r.body.code}` : ''}`;
  answers[key] = (answers[key] ?? 0) + 1;
  return ok(r);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
