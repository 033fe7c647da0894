/** SQLSTATE of a pg error, also when drizzle wraps it (DrizzleQueryError keeps it in `cause`). */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_SERIALIZATION_FAILURE = '40001';
export const PG_DEADLOCK_DETECTED = '40P01';

export function isRetryableTxError(err: unknown): boolean {
  const code = pgErrorCode(err);
  return code === PG_SERIALIZATION_FAILURE || code === PG_DEADLOCK_DETECTED;
}

/**
 * The connection itself failed (server shut down or crashed, socket reset, connection refused),
 * as opposed to a statement the server refused: the connection must not be used again.
 */
export function isConnectionLost(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    // Socket errors (ECONNRESET, EPIPE, ECONNREFUSED…): no SQLSTATE class starts with E.
    if (typeof code === 'string' && /^E[A-Z]{3,}$/.test(code)) return true;
    if (typeof message === 'string' && /Connection terminated|not queryable/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  const code = pgErrorCode(err);
  return code !== undefined && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03');
}
