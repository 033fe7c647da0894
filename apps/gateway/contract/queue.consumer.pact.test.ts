import { MatchersV3 } from '@pact-foundation/pact';
import { afterAll, describe, expect, it } from 'vitest';
import { queueApi } from '../src/data-access/services';
import { gatewayPact, internalHeaders, JSON_BODY, uuid } from './support';

const { integer, regex } = MatchersV3;
const CONCERT = '5f7b9d13-4e6a-4c8d-9f0b-2a3e5d7f9b14';
const USER = '6a8c0e24-5f7b-4d9e-8a1c-3b4f6e8a0c25';

const stats = { waiting: integer(0), active: integer(1), admittedTotal: integer(1), admitPerSecond: integer(50), maxActive: integer(500) };
const entryPath = `/internal/queues/${CONCERT}/entries/${USER}`;

const { pact, publish, run } = gatewayPact('queue-service', 'queue', (up) => queueApi(up));

describe('gateway → queue-service', () => {
  afterAll(() => publish(5));

  it('enqueues a fan and reads the entry', async () => {
    pact
      .uponReceiving('a fan joining the queue of a concert')
      .withRequest({ method: 'POST', path: `/internal/queues/${CONCERT}/entries`, headers: internalHeaders, body: { userId: USER } })
      .willRespondWith({
        status: 201,
        headers: JSON_BODY,
        body: {
          concertId: uuid(CONCERT),
          userId: uuid(USER),
          status: regex('^(WAITING|ACTIVE)$', 'ACTIVE'),
          position: integer(0),
          estimatedWaitSeconds: integer(0),
          activeUntil: regex(/^\d{4}-\d{2}-\d{2}T.+$/.source, '2030-01-01T10:10:00.000Z'),
          created: true,
        },
      })
      .given('a fan is in the queue of a concert', { concertId: CONCERT, userId: USER })
      .uponReceiving('a poll of a fan’s queue entry')
      .withRequest({ method: 'GET', path: entryPath, headers: internalHeaders })
      .willRespondWith({
        status: 200,
        headers: JSON_BODY,
        body: { concertId: uuid(CONCERT), userId: uuid(USER), status: regex('^(WAITING|ACTIVE|EXPIRED)$', 'ACTIVE'), position: integer(0), estimatedWaitSeconds: integer(0) },
      });
    await run(async (api) => {
      expect((await api.enqueue(CONCERT, USER)).created).toBe(true);
      expect((await api.entry(CONCERT, USER)).userId).toBe(USER);
    });
  });

  it('ends a fan’s active slot', async () => {
    pact
      .given('a fan is in the queue of a concert', { concertId: CONCERT, userId: USER })
      .uponReceiving('the end of a fan’s active slot')
      .withRequest({ method: 'POST', path: `${entryPath}/complete`, headers: internalHeaders })
      .willRespondWith({ status: 204 });
    await run((api) => api.complete(CONCERT, USER));
  });

  it('sets the queue policy and reads the counts', async () => {
    pact
      .uponReceiving('a new queue policy for a concert')
      .withRequest({ method: 'PUT', path: `/internal/queues/${CONCERT}/policy`, headers: internalHeaders, body: { admitPerSecond: 50, maxActive: 500, activeTtlSeconds: 600 } })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: { ...stats, activeTtlSeconds: integer(600) } })
      .given('a fan is in the queue of a concert', { concertId: CONCERT, userId: USER })
      .uponReceiving('a request for the queue counts of a concert')
      .withRequest({ method: 'GET', path: `/internal/queues/${CONCERT}/stats`, headers: internalHeaders })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: stats });
    await run(async (api) => {
      expect((await api.setPolicy(CONCERT, { admitPerSecond: 50, maxActive: 500, activeTtlSeconds: 600 })).maxActive).toBe(500);
      expect((await api.stats(CONCERT)).active).toBe(1);
    });
  });
});
