import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from './errors';

/**
 * Parses a part of the request; a ZodError becomes a 400 VALIDATION_FAILED in the error mapper.
 * Control characters (NUL and friends) are refused first, in keys and values alike: Postgres
 * rejects a NUL in text, and no field of ours (names, e-mails, titles) has a use for the others.
 */
export const parseBody = <S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> => schema.parse(withoutControlChars(req.body ?? {}));
export const parseQuery = <S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> => schema.parse(withoutControlChars(req.query));
export const parseParams = <S extends z.ZodTypeAny>(schema: S, req: Request): z.infer<S> => schema.parse(withoutControlChars(req.params));

// C0 controls and DEL, plus the C1 range; tab, CR and LF are refused too (no multi-line fields).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_DEPTH = 32;

/** Returns the value unchanged, or throws VALIDATION_FAILED naming the first field holding a control character. */
export function withoutControlChars<T>(value: T): T {
  const bad = findControl(value, '', 0);
  if (bad !== undefined)
    throw new AppError('VALIDATION_FAILED', 'The request contains control characters', [{ path: bad || '(body)', message: 'must not contain control characters' }]);
  return value;
}

function findControl(v: unknown, path: string, depth: number): string | undefined {
  if (typeof v === 'string') return CONTROL.test(v) ? path : undefined;
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return undefined;
  for (const [k, child] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (CONTROL.test(k)) return p;
    const hit = findControl(child, p, depth + 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
