import { serviceTokenSource } from '@concert/service-kit';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { INTERNAL_TOKEN_HEADER, TOPICS, topicName, type Topic } from '@concert/contracts';
import {
  createKafka,
  createKafkaPublisher,
  createKafkaSubscriber,
  type EventPublisher,
  type EventSubscriber,
  type IncomingMessage,
} from '@concert/messaging';
import { ensureDatabase, serviceTestDatabaseUrl, TEST_INTERNAL_KEY_GATEWAY, testKafkaBrokers, testRedisUrl } from '@concert/testing';
import { PaymentConfig } from '../src/config';
import { start, type RunningService } from '../src/start';

export const internalToken = serviceTokenSource('gateway', TEST_INTERNAL_KEY_GATEWAY, 'payment-service');
export const TEST_DATABASE_URL = process.env.PAYMENT_TEST_DATABASE_URL ?? serviceTestDatabaseUrl('payment_svc');

/** A unique Kafka namespace per test file, so parallel runs never see each other's events. */
export const newPrefix = () => `t${randomBytes(4).toString('hex')}.`;

export async function startPayment(prefix: string, env: Record<string, string> = {}): Promise<RunningService> {
  await ensureDatabase(TEST_DATABASE_URL).catch(() => undefined);
  const config = PaymentConfig.parse({
    NODE_ENV: 'test',
    // Kafka rebalances log at error level while test instances come and go; LOG_LEVEL=info to debug.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
    PORT: '0',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: await testRedisUrl(),
    KAFKA_BROKERS: (await testKafkaBrokers()).join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_GROUP_ID: `${prefix}payment-service`,
    INTERNAL_KEY_GATEWAY: TEST_INTERNAL_KEY_GATEWAY,
    ...env,
  });
  return start(config);
}

export interface Res<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * For a test file: a payment-service in `prefix`'s namespace (with `env()` read when it starts),
 * a feeder standing in for booking-service and a collector of what it publishes (`collect`);
 * opened before the file's tests, closed after them. Read the fields inside tests and hooks.
 */
export function eventedPayment(prefix: string, o: { env?: () => Record<string, string>; collect?: Topic[] } = {}) {
  const t = {} as { svc: RunningService; call: Client; feeder: EventFeeder; collector: EventCollector };
  beforeAll(async () => {
    t.svc = await startPayment(prefix, o.env?.());
    t.call = client(t.svc.url);
    t.feeder = await EventFeeder.create(prefix);
    t.collector = await new EventCollector(prefix, o.collect).start();
  });
  afterAll(async () => {
    await t.collector?.stop();
    await t.feeder?.close();
    await t.svc?.stop();
  });
  return t;
}

/** Calls a payment-service instance the way the gateway does. */
export function client(baseUrl: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { body?: unknown; idempotencyKey?: string; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== null) headers[INTERNAL_TOKEN_HEADER] = opts.token ?? (await internalToken());
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  };
}
export type Client = ReturnType<typeof client>;

export async function newUser(call: Client, name = 'fan'): Promise<{ id: string; email: string; password: string }> {
  const email = `${name}-${randomUUID()}@payment.test`;
  const password = 'correct-horse-battery';
  const res = await call<{ user: { id: string } }>('POST', '/internal/users', { body: { email, name, password } });
  if (res.status !== 201) throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, email, password };
}

export async function charge(call: Client, userId: string, amount: string): Promise<Res<{ balance: string; transactionId: string }>> {
  return call('POST', `/internal/users/${userId}/balance/charge`, { body: { amount }, idempotencyKey: randomUUID() });
}

/** Direct reads as the service's own role: the tests check the books, not just the responses. */
export function dbPool(): pg.Pool {
  return new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
}

export async function ledgerOf(pool: pg.Pool, userId: string) {
  const { rows } = await pool.query<{ balance: string; ledger: string; rows: number }>(
    `select u.balance::text,
            coalesce(sum(case when t.transaction_type = 'PAYMENT' then -t.amount else t.amount end), 0)::numeric(12,2)::text as ledger,
            count(t.id)::int as rows
       from payment.users u left join payment.balance_transactions t on t.user_id = u.id
      where u.id = $1 group by u.id`,
    [userId],
  );
  return rows[0]!;
}

/** Publishes events as booking-service would (JSON envelope, key = reservation id). */
export class EventFeeder {
  private readonly publisher: EventPublisher;
  private constructor(
    private readonly prefix: string,
    brokers: string[],
  ) {
    this.publisher = createKafkaPublisher(createKafka({ clientId: `${prefix}feeder`, brokers }));
  }
  static async create(prefix: string): Promise<EventFeeder> {
    const f = new EventFeeder(prefix, await testKafkaBrokers());
    await f.publisher.connect();
    return f;
  }
  async send(topic: Topic, envelope: { payload: { reservationId: string } } & Record<string, unknown>): Promise<void> {
    await this.sendMany(topic, [envelope]);
  }
  async sendMany(topic: Topic, envelopes: Array<{ payload: { reservationId: string } } & Record<string, unknown>>) {
    await this.publisher.publish(
      envelopes.map((e) => ({ topic: topicName(topic, this.prefix), key: e.payload.reservationId, value: JSON.stringify(e) })),
    );
  }
  close = () => this.publisher.disconnect();
}

/** Collects what payment-service publishes, from the beginning of the test's topics. */
export class EventCollector {
  readonly messages: IncomingMessage[] = [];
  private subscriber: EventSubscriber | undefined;
  constructor(
    private readonly prefix: string,
    private readonly topics: Topic[] = [TOPICS.paymentCompleted, TOPICS.paymentRefunded],
  ) {}
  async start(): Promise<this> {
    this.subscriber = createKafkaSubscriber(createKafka({ clientId: `${this.prefix}collector`, brokers: await testKafkaBrokers() }));
    await this.subscriber.run({
      groupId: `${this.prefix}collector-${randomUUID()}`,
      topics: this.topics.map((t) => topicName(t, this.prefix)),
      fromBeginning: true,
      handler: async (m) => {
        this.messages.push(m);
      },
    });
    return this;
  }
  events(type: string): Array<Record<string, unknown> & { payload: Record<string, unknown> }> {
    return this.messages
      .map((m) => JSON.parse(m.value) as Record<string, unknown> & { payload: Record<string, unknown> })
      .filter((e) => e.type === type);
  }
  stop = async () => this.subscriber?.stop();
}

const ISO_SOON = (ms: number) => new Date(Date.now() + ms).toISOString();

/** An event as booking-service publishes it (envelope v1). */
function fromBooking<T extends string, P>(type: T, payload: P, occurredAt = new Date().toISOString()) {
  return { eventId: randomUUID(), type, version: 1 as const, occurredAt, producer: 'booking-service' as const, payload };
}

export function seatReserved(o: { reservationId?: string; userId: string; price: string; holdMs?: number; concertId?: string }) {
  return fromBooking('seat-reserved', {
    reservationId: o.reservationId ?? randomUUID(),
    concertId: o.concertId ?? randomUUID(),
    seatId: randomUUID(),
    seatNumber: 1 + Math.floor(Math.random() * 50),
    userId: o.userId,
    price: o.price,
    reservedAt: new Date().toISOString(),
    reservedUntil: ISO_SOON(o.holdMs ?? 300_000),
  });
}

export function reservationEnded(
  kind: 'reservation-expired' | 'reservation-cancelled',
  o: { reservationId: string; userId: string; concertId?: string },
) {
  const at = new Date().toISOString();
  return fromBooking(
    kind,
    {
      reservationId: o.reservationId,
      concertId: o.concertId ?? randomUUID(),
      seatNumber: 7,
      userId: o.userId,
      ...(kind === 'reservation-expired' ? { expiredAt: at } : { cancelledAt: at }),
    },
    at,
  );
}

export function refundRequested(o: { reservationId: string; paymentId: string; userId: string; amount: string }) {
  return fromBooking('payment-refund-requested', { ...o, reason: 'RESERVATION_EXPIRED' as const, requestedAt: new Date().toISOString() });
}

/** Waits until the projection knows the reservation (the consumer path has applied the event). */
export async function projectionStatus(pool: pg.Pool, reservationId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ status: string }>(
    'select status::text from payment.payable_reservations where reservation_id = $1',
    [reservationId],
  );
  return rows[0]?.status;
}
