import { EXAMPLE_EVENTS, TOPICS } from '@concert/contracts';
import { describe, expect, it } from 'vitest';
import { createEventWriter, type Tx } from '../src';
import { serviceTables } from './support/test-schema';

// A transaction that fails the test if touched: a payload refused by its contract must never
// reach the outbox (or any statement of the caller's transaction).
const untouchable = new Proxy({}, { get: () => expect.fail('the transaction was used') }) as Tx<never>;

describe('event writer', () => {
  const write = createEventWriter({
    producer: 'booking-service',
    outbox: serviceTables('event_writer_unit').outbox,
    topicPrefix: 't.',
    requestId: () => undefined,
  });
  const seatReserved = EXAMPLE_EVENTS[TOPICS.seatReserved].payload;

  it('refuses a payload that breaks the topic contract before writing anything', async () => {
    await expect(write(untouchable, TOPICS.seatReserved, { ...seatReserved, price: 12.5 as unknown as string })).rejects.toThrow(/price/);
    await expect(write(untouchable, TOPICS.seatReserved, { ...seatReserved, reservationId: 'not-a-uuid' })).rejects.toThrow(/reservationId/);
  });
});
