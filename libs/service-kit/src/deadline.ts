import type { Request } from 'express';
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
/** Whether the current request's caller went away, without making its signal. */
export function callerGone(): boolean {
  const store = requestContext.getStore();
  return store ? (store.callerGone ?? store.signal?.aborted ?? false) : false;
}

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
  if (callerGone()) throw new AppError('DEADLINE_EXCEEDED', `${what}: the caller went away`, undefined, 1);
  if (remainingMs() <= marginMs) throw new AppError('DEADLINE_EXCEEDED', `${what}: the request's deadline has passed`, undefined, 1);
}

export interface DeadlineOptions {
  /** Deadline of a request that brings none (ms); undefined = no deadline. */
  defaultMs?: (req: Request) => number | undefined;
  /** Honour the caller's header (services: yes; the public gateway sets its own). */
  trustHeader: boolean;
}

/**
 * The milliseconds a request has: the caller's header (when trusted and well-formed), else the
 * default for the request, else none. Zero or less means it arrived too late for any work.
 */
export function deadlineMsOf(req: Request, o: DeadlineOptions): number | undefined {
  const header = o.trustHeader ? req.headers[DEADLINE_HEADER] : undefined;
  const fromHeader = typeof header === 'string' && /^-?\d{1,10}$/.test(header) ? Number(header) : undefined;
  return fromHeader ?? o.defaultMs?.(req);
}
