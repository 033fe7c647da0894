import { ERROR_STATUS, type ErrorCode } from '@concert/contracts';

/** The one error type services throw for expected failures; mapped once to problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly errors?: { path: string; message: string }[],
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (code: ErrorCode, detail: string) => new AppError(code, detail);
