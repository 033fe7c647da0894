import { describe, expect, it } from 'vitest';
import {
  AmountInput,
  EVENT_CATALOG,
  EXAMPLE_EVENTS,
  buildAsyncApiDocument,
  fromCents,
  schemaForTopic,
  toCents,
  TOPICS,
} from '../src';

describe('event catalog', () => {
  it('has a valid example for every topic', () => {
    for (const topic of Object.values(TOPICS)) {
      const example = EXAMPLE_EVENTS[topic];
      expect(schemaForTopic(topic)?.safeParse(example).success, topic).toBe(true);
    }
  });

  it('rejects an event whose money is a number', () => {
    const bad = structuredClone(EXAMPLE_EVENTS[TOPICS.paymentCompleted]) as unknown as { payload: { amount: unknown } };
    bad.payload.amount = 120000;
    expect(EVENT_CATALOG[TOPICS.paymentCompleted].schema.safeParse(bad).success).toBe(false);
  });

  it('rejects an envelope with the wrong type for its topic', () => {
    const bad = { ...EXAMPLE_EVENTS[TOPICS.seatReserved], type: 'payment-completed' };
    expect(schemaForTopic(TOPICS.seatReserved)?.safeParse(bad).success).toBe(false);
  });

  it('builds an AsyncAPI document with a channel per topic', () => {
    const doc = buildAsyncApiDocument();
    const addresses = Object.values(doc.channels).map((c) => (c as { address: string }).address);
    expect(addresses.sort()).toEqual(Object.values(TOPICS).sort());
  });
});

describe('money', () => {
  it.each([
    ['100', '100.00'],
    ['0.5', '0.50'],
    ['1000000.00', '1000000.00'],
  ])('normalises %s to %s', (input, out) => {
    expect(AmountInput.parse(input)).toBe(out);
  });

  it.each(['1.234', '-5', 'abc', '', '1e5', 12.34, 100, 0.1 + 0.2, Number.NaN, null])('rejects %s', (input) => {
    expect(AmountInput.safeParse(input).success).toBe(false);
  });

  it('converts to and from cents exactly', () => {
    expect(toCents('120000.00')).toBe(12000000n);
    expect(toCents('0.07')).toBe(7n);
    expect(fromCents(toCents('999999999.99') + 1n)).toBe('1000000000.00');
  });
});
