import { describe, expect, it } from 'vitest';
import { DomainError, ERROR_STATUS } from '@concert/contracts';
import { replayOf, requestHash } from './idempotency';

describe('idempotency', () => {
  it('fingerprints the normalised request per scope, independent of key order', () => {
    expect(requestHash('charge', { amount: '10.00' })).toBe(requestHash('charge', { amount: '10.00' }));
    expect(requestHash('charge', { amount: '10.00' })).not.toBe(requestHash('charge', { amount: '10.01' }));
    expect(requestHash('charge', { amount: '10.00' })).not.toBe(requestHash('payment', { amount: '10.00' }));
    expect(requestHash('payment', { a: '1', b: '2' })).toBe(requestHash('payment', { b: '2', a: '1' }));
  });
  it('replays the stored response for the same request and refuses another one', () => {
    const stored = { requestHash: requestHash('charge', { amount: '1.00' }), status: 200, body: { balance: '1.00' } };
    expect(replayOf(stored, stored.requestHash)).toEqual({ status: 200, body: { balance: '1.00' } });
    expect(() => replayOf(stored, requestHash('charge', { amount: '2.00' }))).toThrow(DomainError);
    try {
      replayOf(stored, 'other');
    } catch (err) {
      expect((err as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(ERROR_STATUS[(err as DomainError).code]).toBe(422);
    }
  });
});
