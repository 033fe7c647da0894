import { DomainError, ERROR_STATUS, type ErrorCode } from '@concert/contracts';

/**
 * A refusal raised outside the domain (a route, a use case, a client), with the HTTP status its
 * code maps to and optional field errors. Domain code throws DomainError instead; both are
 * mapped once to problem+json.
 */
export class AppError extends DomainError {
  readonly status: number;
  constructor(
    code: ErrorCode,
    detail: string,
    readonly errors?: { path: string; message: string }[],
    /** For 429/503: seconds the client should wait before retrying (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, detail);
    this.status = ERROR_STATUS[code];
  }
}
