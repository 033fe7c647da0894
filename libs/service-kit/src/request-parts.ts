import type { Request } from 'express';
import { z } from 'zod';
import { IDEMPOTENCY_HEADER, IdempotencyKey, type ErrorCode } from '@concert/contracts';
import { AppError } from './errors';

/** Idempotency-Key header: required on charge and pay; missing or malformed → 400 VALIDATION_FAILED. */
export function idempotencyKey(req: Request): string {
  const parsed = IdempotencyKey.safeParse(req.header(IDEMPOTENCY_HEADER) ?? '');
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', 'The Idempotency-Key header is missing or malformed', [
      { path: 'Idempotency-Key', message: 'required: 1-64 chars of [A-Za-z0-9_-]' },
    ]);
  return parsed.data;
}

// Lowercased: every limit, lock and cache keys on one spelling of an id.
const Uuid = z.uuid().toLowerCase();

/** A path id that is not a UUID names nothing: 404 with the resource's code, never a 400 or a 500 downstream. */
export function pathId(req: Request, name: string, notFound: ErrorCode): string {
  const raw = req.params[name];
  const parsed = Uuid.safeParse(raw);
  if (!parsed.success) throw new AppError(notFound, `No such resource: ${String(raw)}`);
  return parsed.data;
}
