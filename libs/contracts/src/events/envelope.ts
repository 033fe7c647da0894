import { z } from 'zod';
import { REQUEST_ID_HEADER } from '../http/internal';

export const Producer = z.enum(['booking-service', 'payment-service', 'queue-service', 'gateway']);

/** The envelope every event carries; the payload schema depends on `type` and `version`. */
export function envelopeOf<T extends string, P extends z.ZodTypeAny>(type: T, version: number, payload: P) {
  return z.object({
    eventId: z.uuid(),
    type: z.literal(type),
    version: z.literal(version),
    occurredAt: z.iso.datetime({ offset: true }),
    producer: Producer,
    correlationId: z.string().max(128).optional(),
    payload,
  });
}

export const AnyEnvelope = z.object({
  eventId: z.uuid(),
  type: z.string(),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: Producer,
  correlationId: z.string().max(128).optional(),
  payload: z.unknown(),
});
export type AnyEnvelope = z.infer<typeof AnyEnvelope>;

/** Kafka headers every published event carries (besides the envelope inside the value). */
export const EVENT_HEADERS = {
  eventId: 'x-event-id',
  eventType: 'x-event-type',
  requestId: REQUEST_ID_HEADER,
} as const;
