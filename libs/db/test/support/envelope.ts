import { randomUUID } from 'node:crypto';

export function testEnvelope(type: string, payload: Record<string, unknown>) {
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    producer: 'booking-service',
    payload,
  };
}
