import { createKafka, createKafkaPublisher, deadLetterCounts, readDeadLetters, replayMessage } from '@concert/messaging';
import { ensureSecretsFile, generateSecretsEnv, reconcile } from '@concert/ops';
import { seedDemo } from '../platform/seed-demo';
import { outboxRedrive, outboxStatus } from './outbox';
import { runAppCommand } from './run-app-command';


export type Flags = Record<string, string | boolean | undefined>;
export interface Command {
  usage: string;
  summary: string;
  flags: Record<string, { type: 'string' | 'boolean'; help: string }>;
  run(flags: Flags, rest: string[]): Promise<number | void>;
}

const env = process.env;
const str = (f: Flags, name: string, fallback?: string): string => {
  const v = f[name];
  if (typeof v === 'string' && v) return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`--${name} is required`);
};
const operatorDbUrl = (f: Flags) => str(f, 'database-url', env.OPS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/concert');
const gatewayUrl = (f: Flags) => str(f, 'gateway', env.OPS_GATEWAY_URL ?? 'http://127.0.0.1:8080/api/v1').replace(/\/$/, '');
const adminOf = (f: Flags) => ({
  email: str(f, 'email', env.OPS_ADMIN_EMAIL ?? env.ADMIN_EMAIL ?? 'admin@concert.local'),
  password: str(f, 'password', env.OPS_ADMIN_PASSWORD ?? env.ADMIN_PASSWORD ?? 'admin-password-123'),
});
const kafka = () => createKafka({ clientId: 'ops-cli', brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()) });
const print = (v: unknown) => console.log(typeof v === 'string' ? v : JSON.stringify(v, null, 2));

const GATEWAY = { type: 'string', help: 'gateway base URL (OPS_GATEWAY_URL; default http://127.0.0.1:8080/api/v1)' } as const;
const EMAIL = { type: 'string', help: 'admin email (OPS_ADMIN_EMAIL, ADMIN_EMAIL)' } as const;
const PASSWORD = { type: 'string', help: 'admin password (OPS_ADMIN_PASSWORD, ADMIN_PASSWORD)' } as const;
const DB = { type: 'string', help: 'operator connection reading both schemas (OPS_DATABASE_URL; default postgres://postgres@127.0.0.1:5432/concert)' } as const;

async function adminToken(f: Flags): Promise<string> {
  const res = await fetch(`${gatewayUrl(f)}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(adminOf(f)) });
  if (!res.ok) throw new Error(`login as admin → ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export const COMMANDS: Record<string, Command> = {
  secrets: {
    usage: 'secrets [--file <path>]',
    summary: 'shared secrets (JWT key pair, per-caller internal keys, first admin password) as an env file; with --file, written once and kept',
    flags: { file: { type: 'string', help: 'write here unless it exists (a redeploy keeps the same keys)' } },
    async run(f) {
      if (typeof f.file === 'string') print(`${f.file}: ${ensureSecretsFile(f.file)}`);
      else process.stdout.write(generateSecretsEnv());
    },
  },
  migrate: {
    usage: 'migrate [--service booking-service|payment-service]',
    summary: "apply a service's database migrations (DATABASE_URL as the service reads it)",
    flags: { service: { type: 'string', help: 'one service; default both (each with its default DATABASE_URL)' } },
    async run(f) {
      const services = typeof f.service === 'string' ? [f.service] : ['booking-service', 'payment-service'];
      for (const s of services) await runAppCommand(s, 'migrate', []);
    },
  },
  'create-admin': {
    usage: 'create-admin --email <email> --password <password> [--name <name>]',
    summary: "create an admin or promote a user (payment-service's DATABASE_URL)",
    flags: { email: EMAIL, password: PASSWORD, name: { type: 'string', help: 'display name' } },
    async run(f) {
      const { email, password } = adminOf(f);
      await runAppCommand('payment-service', 'create-admin', ['--email', email, '--password', password, ...(typeof f.name === 'string' ? ['--name', f.name] : [])]);
    },
  },
  seed: {
    usage: 'seed [--gateway <url>] [--email <e> --password <p>]',
    summary: 'the admin (payment DATABASE_URL) and the demo concert, open for booking (idempotent)',
    flags: { gateway: GATEWAY, email: EMAIL, password: PASSWORD },
    async run(f) {
      await COMMANDS['create-admin']!.run(f, []);
      const concert = await seedDemo(gatewayUrl(f), adminOf(f));
      print({ demoConcert: { id: concert.id, title: concert.title, status: concert.status } });
    },
  },
  reconcile: {
    usage: 'reconcile [--database concert] [--settle-ms 0]',
    summary: 'check every cross-service invariant; exit 1 on a violation',
    flags: { database: { type: 'string', help: 'database name (default concert)' }, 'settle-ms': { type: 'string', help: 're-check until clean for this long' } },
    async run(f) {
      const report = await reconcile({ database: str(f, 'database', 'concert'), settleMs: Number(str(f, 'settle-ms', '0')), url: env.OPS_DATABASE_URL });
      print(JSON.stringify(report.counts));
      if (report.violations.length === 0) {
        print(`reconcile ${report.database}: all invariants hold`);
        return 0;
      }
      for (const v of report.violations) print(`VIOLATION ${v.check}: ${v.count} rows, e.g. ${JSON.stringify(v.sample)}`);
      return 1;
    },
  },
  'outbox status': {
    usage: 'outbox status [--database-url <url>]',
    summary: 'rows per status (PENDING, SENT, DEAD) and the oldest, per service outbox',
    flags: { 'database-url': DB },
    async run(f) {
      print(await outboxStatus(operatorDbUrl(f)));
    },
  },
  'outbox redrive': {
    usage: 'outbox redrive --schema booking|payment [--ids 12,13] [--database-url <url>]',
    summary: 'put DEAD outbox rows back to PENDING (fix the cause first); the relay publishes them',
    flags: { schema: { type: 'string', help: 'booking or payment' }, ids: { type: 'string', help: 'only these row ids' }, 'database-url': DB },
    async run(f) {
      const ids = typeof f.ids === 'string' ? f.ids.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      print({ redriven: await outboxRedrive(operatorDbUrl(f), str(f, 'schema'), ids) });
    },
  },
  'dlq list': {
    usage: 'dlq list [--topic <topic>]',
    summary: 'without --topic: every <topic>.dlq and its message count; with it: the parked messages and why (KAFKA_BROKERS)',
    flags: { topic: { type: 'string', help: 'source topic or its .dlq' } },
    async run(f) {
      const k = kafka();
      if (typeof f.topic === 'string') {
        print(await readDeadLetters(k, f.topic));
        return;
      }
      print(await deadLetterCounts(k));
    },
  },
  'dlq replay': {
    usage: 'dlq replay --topic <topic> [--offsets 0:12,1:3]',
    summary: 're-publish parked messages to their source topic without x-dlq-* headers (the inbox makes a duplicate harmless)',
    flags: { topic: { type: 'string', help: 'source topic or its .dlq' }, offsets: { type: 'string', help: 'only these partition:offset pairs' } },
    async run(f) {
      const k = kafka();
      const wanted = typeof f.offsets === 'string' ? new Set(f.offsets.split(',').map((s) => s.trim())) : undefined;
      const letters = (await readDeadLetters(k, str(f, 'topic'))).filter((l) => !wanted || wanted.has(`${l.partition}:${l.offset}`));
      const publisher = createKafkaPublisher(k);
      try {
        await publisher.publish(letters.map(replayMessage));
      } finally {
        await publisher.disconnect();
      }
      print({ replayed: letters.map((l) => `${l.partition}:${l.offset}`), to: [...new Set(letters.map((l) => l.sourceTopic))] });
    },
  },
  queue: {
    usage: 'queue --concert <id> [--gateway <url>] [--email <e> --password <p>]',
    summary: "a concert's waiting room: waiting, active, admitted so far and its policy (through the gateway, as an admin)",
    flags: { concert: { type: 'string', help: 'concert id' }, gateway: GATEWAY, email: EMAIL, password: PASSWORD },
    async run(f) {
      const res = await fetch(`${gatewayUrl(f)}/admin/concerts/${encodeURIComponent(str(f, 'concert'))}/queue`, {
        headers: { authorization: `Bearer ${await adminToken(f)}` },
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`queue state → ${res.status} ${body}`);
      print(JSON.parse(body));
    },
  },
};
