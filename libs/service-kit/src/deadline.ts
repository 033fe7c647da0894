import type { Request, RequestHandler } from 'express';
import { AppError } from './errors';
import { requestContext } from './logger';

/**
 * Deadlines travel between processes as the milliseconds LEFT when the request was sent
 * (like gRPC's `grpc-timeout`), not as an epoch time: a receiver adds it to its own clock on
 * arrival, so replicas with skewed clocks still agree. Transit time is not subtracted; on one
 * data centre's network it is far below the margins used here.
 */
export const DEADLINE_HEADER = 'x-request-deadline-ms';

/** The current request's deadline (epoch ms on this process's clock), if it has one. */
export const currentDeadline = (): number | undefined => requestContext.getStore()?.deadline;
/** Aborted when the current request's caller went away. */
export const currentSignal = (): AbortSignal | undefined => requestContext.getStore()?.signal;

/** Milliseconds left before the current request's deadline; Infinity without one. */
export function remainingMs(now = Date.now()): number {
  const d = currentDeadline();
  return d === undefined ? Infinity : d - now;
}

/**
 * Throws 503 DEADLINE_EXCEEDED when nobody will wait for this work any more: the deadline has
 * passed, less than `marginMs` is left (the work would finish after it), or the caller hung up.
 * Called before expensive work and, above all, before a write: a write happens only while the
 * caller still waits for its answer.
 */
export function checkDeadline(what: string, marginMs = 0): void {
  const signal = currentSignal();
  if (signal?.aborted) throw new AppError('DEADLINE_EXCEEDED', `${what}: the caller went away`, undefined, 1);
  if (remainingMs() <= marginMs) throw new AppError('DEADLINE_EXCEEDED', `${what}: the request's deadline has passed`, undefined, 1);
}

export interface DeadlineOptions {
  /** Deadline of a request that brings none (ms); undefined = no deadline. */
  defaultMs?: (req: Request) => number | undefined;
  /** Honour the caller's header (services: yes; the public gateway sets its own). */
  trustHeader: boolean;
}

/**
 * Gives the request its deadline and an abort signal that fires when the client disconnects
 * before the answer (a gateway that timed out closes its connection). A request that arrives
 * with no time left is refused before any work.
 */
export function deadlineMiddleware(o: DeadlineOptions): RequestHandler {
  return (req, res, next) => {
    const store = requestContext.getStore();
    if (!store) return next();
    const arrived = Date.now();
    const header = o.trustHeader ? req.header(DEADLINE_HEADER) : undefined;
    const fromHeader = header !== undefined && /^-?\d{1,10}$/.test(header) ? Number(header) : undefined;
    const ms = fromHeader ?? o.defaultMs?.(req);
    if (ms !== undefined) store.deadline = arrived + ms;
    const controller = new AbortController();
    store.signal = controller.signal;
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client went away'));
    });
    if (ms !== undefined && ms <= 0) return next(new AppError('DEADLINE_EXCEEDED', 'The request arrived after its deadline', undefined, 1));
    next();
  };
}
