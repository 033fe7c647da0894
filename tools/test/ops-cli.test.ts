import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createKafkaPublisher, createKafkaSubscriber, deadLetterTopic, DEAD_LETTER_HEADERS, deleteTopics, ensureTopics, type IncomingMessage } from '@concert/messaging';
import { eventually, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@concert/testing';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

/** The CLI as an operator runs it (`npm run ops -- …` is `tsx tools/ops/main.ts …`), against the real servers. */
async function ops(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'tools/ops/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, KAFKA_BROKERS: (await testKafkaBrokers()).join(','), ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run ops', () => {
  it('--help lists every command; an unknown one exits 2', async () => {
    const help = await ops(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['create-admin', 'reconcile', 'outbox redrive', 'dlq list', 'dlq replay', 'queue --concert']) expect(help.stdout).toContain(c);
    expect((await ops(['outbox', 'redrive', '--help'])).stdout).toContain('--schema');
    expect((await ops(['nonsense'])).code).toBe(2);
  });

  describe('with a database', () => {
    let url: string;
    let admin: pg.Client;
    beforeAll(async () => {
      url = await testDatabaseUrl();
      admin = new pg.Client({ connectionString: url });
      await admin.connect();
    });
    afterAll(async () => {
      await admin.end();
    });

    it('create-admin makes an admin in the payment schema', async () => {
      const email = `${uniqueName('ops')}@example.com`;
      const paymentUrl = new URL(url);
      paymentUrl.username = 'payment_svc';
      paymentUrl.password = 'payment_svc';
      const created = await ops(['create-admin', '--email', email, '--password', 'long-enough-password'], { DATABASE_URL: paymentUrl.toString() });
      expect(created.code, created.stderr).toBe(0);
      const { rows } = await admin.query<{ role: string }>('SELECT role FROM payment.users WHERE email = $1', [email]);
      expect(rows).toEqual([{ role: 'admin' }]);
    });

    it('outbox redrive puts a DEAD row back to PENDING; outbox status counts it', async () => {
      const { rows } = await admin.query<{ id: string }>(
        `INSERT INTO booking.outbox (event_id, aggregatetype, aggregateid, type, topic, payload, status, attempts, last_error)
         VALUES (gen_random_uuid(), 'ops-test', $1, 'ops-test', $2, '{}', 'DEAD', 10, 'boom') RETURNING id`,
        [uniqueName('agg'), uniqueName('ops-test-topic')],
      );
      const id = rows[0]!.id;
      try {
        const env = { OPS_DATABASE_URL: url };
        const status = await ops(['outbox', 'status'], env);
        expect(status.code, status.stderr).toBe(0);
        expect(JSON.parse(status.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ schema: 'booking', status: 'DEAD' })]));
        const redrive = await ops(['outbox', 'redrive', '--schema', 'booking', '--ids', id], env);
        expect(redrive.code, redrive.stderr).toBe(0);
        expect(JSON.parse(redrive.stdout)).toEqual({ redriven: 1 });
        const after = await admin.query('SELECT status, attempts, last_error FROM booking.outbox WHERE id = $1', [id]);
        expect(after.rows[0]).toEqual({ status: 'PENDING', attempts: 0, last_error: null });
        expect((await ops(['outbox', 'redrive', '--schema', 'nope'], env)).code).toBe(1);
      } finally {
        await admin.query('DELETE FROM booking.outbox WHERE id = $1', [id]);
      }
    });
  });

  describe('with Kafka', () => {
    const topic = uniqueName('ops-dlq-test');
    let kafka: ReturnType<typeof createKafka>;
    beforeAll(async () => {
      kafka = createKafka({ clientId: 'ops-cli-test', brokers: await testKafkaBrokers() });
      await ensureTopics(kafka, [
        { topic, partitions: 1 },
        { topic: deadLetterTopic(topic), partitions: 1 },
      ]);
      const publisher = createKafkaPublisher(kafka);
      await publisher.publish([
        {
          topic: deadLetterTopic(topic),
          key: 'k1',
          value: 'not json',
          headers: { 'x-request-id': 'r1', [DEAD_LETTER_HEADERS.reason]: 'Unexpected token', [DEAD_LETTER_HEADERS.topic]: topic, [DEAD_LETTER_HEADERS.partition]: '0', [DEAD_LETTER_HEADERS.offset]: '7', [DEAD_LETTER_HEADERS.group]: 'g' },
        },
      ]);
      await publisher.disconnect();
    });
    afterAll(async () => {
      await deleteTopics(kafka, [topic, deadLetterTopic(topic)]);
    });

    it('dlq list counts the dead-letter topics and shows a parked message with its reason', async () => {
      const all = await ops(['dlq', 'list']);
      expect(all.code, all.stderr).toBe(0);
      expect(JSON.parse(all.stdout)).toContainEqual({ topic: deadLetterTopic(topic), messages: 1 });
      const one = await ops(['dlq', 'list', '--topic', topic]);
      expect(one.code, one.stderr).toBe(0);
      expect(JSON.parse(one.stdout)).toEqual([expect.objectContaining({ key: 'k1', value: 'not json', reason: 'Unexpected token', sourceTopic: topic, offset: '0' })]);
    });

    it('dlq replay re-publishes it to its source topic, without the x-dlq-* headers', async () => {
      const replay = await ops(['dlq', 'replay', '--topic', topic, '--offsets', '0:0']);
      expect(replay.code, replay.stderr).toBe(0);
      expect(JSON.parse(replay.stdout)).toEqual({ replayed: ['0:0'], to: [topic] });
      const got: IncomingMessage[] = [];
      const subscriber = createKafkaSubscriber(kafka);
      await subscriber.run({ groupId: uniqueName('ops-replay-check'), topics: [topic], fromBeginning: true, handler: async (m) => void got.push(m) });
      try {
        await eventually(() => expect(got).toHaveLength(1), { timeoutMs: 30_000 });
        expect(got[0]).toMatchObject({ key: 'k1', value: 'not json' });
        expect(got[0]!.headers['x-request-id']).toBe('r1');
        expect(Object.keys(got[0]!.headers).filter((h) => h.startsWith('x-dlq-'))).toEqual([]);
      } finally {
        await subscriber.stop();
      }
    });
  });
});
