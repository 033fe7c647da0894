import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { AppError } from './errors';

/** Guards `/internal` routes: only callers holding the shared internal credential get through. */
export function requireInternalToken(expected: string): RequestHandler {
  const want = Buffer.from(expected);
  return (req, _res, next) => {
    const got = Buffer.from(req.header(INTERNAL_TOKEN_HEADER) ?? '');
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      next(new AppError('FORBIDDEN', 'internal credential missing or wrong'));
      return;
    }
    next();
  };
}
