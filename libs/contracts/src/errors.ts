import { z } from 'zod';

/** Every error code the public API can return, with its HTTP status (API.md). */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  QUEUE_TOKEN_INVALID: 403,
  QUEUE_TOKEN_NOT_ACTIVE: 403,
  NOT_FOUND: 404,
  CONCERT_NOT_FOUND: 404,
  SEAT_NOT_FOUND: 404,
  RESERVATION_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  SEAT_UNAVAILABLE: 409,
  BOOKING_NOT_OPEN: 409,
  HOLD_LIMIT_REACHED: 409,
  RESERVATION_NOT_CANCELLABLE: 409,
  INSUFFICIENT_BALANCE: 409,
  ALREADY_PAID: 409,
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 409,
  INVALID_STATE: 409,
  RESERVATION_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 503,
  /** Refused by admission control before any work or write; Retry-After says when to come back. */
  OVERLOADED: 503,
  /** The request's deadline passed (or would pass) before its work could be done; nothing was written. */
  DEADLINE_EXCEEDED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** RFC 9457 problem details as every service and the gateway return them. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: ErrorCodeSchema,
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const problemType = (code: ErrorCode) => `https://errors.concert.example/${code.toLowerCase().replace(/_/g, '-')}`;

/**
 * An expected refusal, named by its API code. Pure domain code throws it (or its own subclass)
 * without knowing HTTP; service-kit maps it to problem+json with ERROR_STATUS once, at the edge.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}
