import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sleep, waitFor } from './wait';
import { TEST_REDIS_PORT } from './env';

export type ServiceName = 'gateway' | 'queue-service' | 'booking-service' | 'payment-service';

const ROOT = resolve(__dirname, '../../..');
const DB_ROLE: Partial<Record<ServiceName, string>> = {
  'booking-service': 'booking_svc',
  'payment-service': 'payment_svc',
};

/**
 * One service process started from its built bundle (dist/apps/<name>/main.js), exactly as an
 * operator runs it. Tests use it to kill -9 and restart replicas.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id while it runs (benchmarks read its memory from /proc). */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const main = resolve(ROOT, 'dist/apps', this.name, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} missing: build first (npx nx run-many -t build)`);
    const log = createWriteStream(this.logFile, { flags: 'a' });
    // SERVICE_NODE_ARGS: extra node flags for every service, e.g. '--cpu-prof --cpu-prof-dir=tmp/prof'.
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, main], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), GATEWAY_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
    await waitFor(async () => this.ready(), {
      timeoutMs,
      intervalMs: 200,
      message: `${this.name}:${this.port} not ready after ${timeoutMs} ms (log: ${this.logFile})`,
    });
  }

  async ready(): Promise<boolean> {
    if (!this.running) throw new Error(`${this.name}:${this.port} exited (log: ${this.logFile})`);
    try {
      const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** SIGSTOP / SIGCONT: freeze a replica (it falls out of its consumer group) and thaw it. */
  signal(sig: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.running) this.child?.kill(sig);
  }

  /**
   * CPU seconds (user + system) the process has used so far, from /proc (Linux); tests use it
   * to prove a service is idle once nobody waits for it any more.
   */
  cpuSeconds(): number {
    if (!this.child?.pid) return 0;
    // Fields after the command name: state is the 3rd, utime the 14th, stime the 15th (proc(5)).
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** SIGKILL: no graceful shutdown, in-flight work is lost the hard way. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    const done = await Promise.race([this.exited, sleep(15_000).then(() => 'timeout' as const)]);
    if (done === 'timeout') await this.kill9();
  }
}

/** USER_HZ: 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface PlatformOptions {
  /** Postgres database; must be bootstrapped (infra/scripts/db-bootstrap.sh). */
  database?: string;
  redisUrl?: string;
  kafkaBrokers?: string;
  topicPrefix?: string;
  basePort?: number;
  replicas?: Partial<Record<Exclude<ServiceName, 'gateway'>, number>>;
  env?: Record<string, string>;
  perService?: Partial<Record<ServiceName, Record<string, string>>>;
  logDir?: string;
}

export interface Platform {
  gatewayUrl: string;
  services: ServiceProcess[];
  byName(name: ServiceName): ServiceProcess[];
  stop(): Promise<void>;
}

/**
 * Starts the four services as separate processes (booking and payment with as many replicas as
 * asked); the gateway gets every replica's URL and spreads calls over them.
 */
export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const database = opts.database ?? 'concert_test';
  const basePort = opts.basePort ?? 18080;
  const logDir = opts.logDir ?? resolve(ROOT, 'tmp/logs');
  mkdirSync(logDir, { recursive: true });
  const common: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    REDIS_URL: opts.redisUrl ?? process.env.REDIS_URL ?? `redis://127.0.0.1:${TEST_REDIS_PORT}/1`,
    KAFKA_BROKERS: opts.kafkaBrokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PREFIX: opts.topicPrefix ?? '',
    // Unset: the services use their development keys (and say so in their logs).
    ...(process.env.INTERNAL_KEY_GATEWAY ? { INTERNAL_KEY_GATEWAY: process.env.INTERNAL_KEY_GATEWAY } : {}),
    ...(process.env.INTERNAL_KEY_PAYMENT ? { INTERNAL_KEY_PAYMENT: process.env.INTERNAL_KEY_PAYMENT } : {}),
    MIGRATE_ON_START: 'true',
    ...opts.env,
  };
  const counts = { 'queue-service': 1, 'booking-service': 1, 'payment-service': 1, ...opts.replicas };
  let port = basePort + 1;
  const plan: { name: ServiceName; port: number }[] = [];
  for (const name of ['queue-service', 'booking-service', 'payment-service'] as const) {
    for (let i = 0; i < counts[name]; i++) plan.push({ name, port: port++ });
  }
  const urls = (name: ServiceName) =>
    plan
      .filter((p) => p.name === name)
      .map((p) => `http://127.0.0.1:${p.port}`)
      .join(',');
  const serviceUrls = {
    QUEUE_SERVICE_URL: urls('queue-service'),
    BOOKING_SERVICE_URL: urls('booking-service'),
    PAYMENT_SERVICE_URL: urls('payment-service'),
  };
  const make = (name: ServiceName, p: number) => {
    const role = DB_ROLE[name];
    const env: Record<string, string> = { ...common, ...serviceUrls, ...opts.perService?.[name] };
    if (role) env.DATABASE_URL = `postgres://${role}:${role}@127.0.0.1:5432/${database}`;
    return new ServiceProcess(name, p, env, resolve(logDir, `${name}-${p}.log`));
  };
  const backends = plan.map((p) => make(p.name, p.port));
  const gateway = make('gateway', basePort);
  const services = [...backends, gateway];
  try {
    // Replicas of one service start one after the other the first time, so only one runs migrations
    // while the rest wait on its advisory lock; different services start in parallel.
    const groups = ['queue-service', 'booking-service', 'payment-service'].map((n) => backends.filter((b) => b.name === n));
    await Promise.all(groups.map(async (g) => {
      for (const s of g) await s.start();
    }));
    await gateway.start();
  } catch (err) {
    await Promise.all(services.map((s) => s.stop()));
    throw err;
  }
  return {
    gatewayUrl: `${gateway.url}/api/v1`,
    services,
    byName: (name) => services.filter((s) => s.name === name),
    stop: async () => {
      await Promise.all(services.map((s) => s.stop()));
    },
  };
}

