import type { Request, Response } from 'express';
import { z } from 'zod';
import { IDEMPOTENCY_HEADER, IdempotencyKey, type ErrorCode } from '@concert/contracts';
import { AppError } from '@concert/service-kit';

/** The `Idempotency-Key` header, required on charge and pay (API.md). */
export function idempotencyKeyOf(req: Request): string {
  const parsed = IdempotencyKey.safeParse(req.header(IDEMPOTENCY_HEADER) ?? '');
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'The Idempotency-Key header is missing or malformed', [
      { path: 'Idempotency-Key', message: 'required: 1-64 chars of [A-Za-z0-9_-]' },
    ]);
  }
  return parsed.data;
}

const Uuid = z.uuid();
/** A path id that is not a uuid names nothing: 404 with the resource's code, not a 400 or a 500. */
export function idParam(req: Request, name: string, notFound: ErrorCode): string {
  const parsed = Uuid.safeParse(req.params[name]);
  if (!parsed.success) throw new AppError(notFound, 'Not found');
  return parsed.data;
}

/** An idempotent write's answer: the first response, flagged when this request only replayed it. */
export function sendIdempotent(res: Response, out: { status: number; body: unknown; replayed: boolean }): void {
  if (out.replayed) res.setHeader('idempotent-replayed', 'true');
  res.status(out.status).json(out.body);
}
