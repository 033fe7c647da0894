import type { Response } from 'express';

/** An idempotent write's answer: the first response, flagged when this request only replayed it. */
export function sendIdempotent(res: Response, out: { status: number; body: unknown; replayed: boolean }): void {
  if (out.replayed) res.setHeader('idempotent-replayed', 'true');
  res.status(out.status).json(out.body);
}
