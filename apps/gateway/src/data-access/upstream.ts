import { BrokenCircuitError, circuitBreaker, handleWhen, IsolatedCircuitError, SamplingBreaker } from 'cockatiel';
import { Admission, AppError, createInternalClient, UpstreamProblem, type Logger } from '@concert/service-kit';
import type { Counter } from 'prom-client';

export type UpstreamName = 'queue' | 'booking' | 'payment' | 'payment-auth';

export interface UpstreamResilience {
  /** Calls in flight to this upstream at once (bulkhead) … */
  maxConcurrent: number;
  /** … and calls waiting for one of those slots; beyond that: 503 OVERLOADED at once. A waiting
   *  call whose deadline passes (or whose client hangs up) leaves with 503 and is never made. */
  maxQueued: number;
  /** How long an open circuit refuses calls before one test call goes through. */
  halfOpenAfterMs: number;
}
const DEFAULT_RESILIENCE: UpstreamResilience = { maxConcurrent: 1024, maxQueued: 1024, halfOpenAfterMs: 2000 };

/** The service's own overload answers: it is alive and protecting itself, so they pass through. */
const SHED_CODES = new Set(['OVERLOADED', 'DEADLINE_EXCEEDED']);

/**
 * An internal client whose failures are already in public shape: a callee's 4xx problem passes
 * through unchanged (as UpstreamProblem), and so does its 503 OVERLOADED / DEADLINE_EXCEEDED with
 * its Retry-After; anything else it does (5xx, garbage, timeout, refused connection) becomes
 * 503 UPSTREAM_UNAVAILABLE, never a 500 from the gateway.
 *
 * In front of it: a bulkhead (service-kit's Admission), so one slow service cannot take every
 * gateway slot; unlike cockatiel's, its queue drops a call whose deadline passed while it waited
 * (503 + Retry-After) instead of making it late, and a call runs in its own request's context
 * (deadline, abort signal, request id), not in that of the call that freed the slot. Then
 * (cockatiel) a circuit breaker that opens when half the calls of the last 10 s failed (with enough
 * traffic to judge), so a failing service gets a pause instead of a hammering. Only failures
 * open it: 4xx answers and the service's own shedding do not. GETs, and only GETs (idempotent),
 * are retried once on failure, within a retry budget of 10% of calls, so retries cannot storm.
 */
export function createUpstream(
  name: UpstreamName,
  baseUrl: string,
  token: string | (() => Promise<string>),
  timeoutMs: number,
  deps: { logger: Logger; errors: Counter<string> },
  resilience: UpstreamResilience = DEFAULT_RESILIENCE,
) {
  const client = createInternalClient(baseUrl, token, timeoutMs);
  const breaker = circuitBreaker(
    handleWhen((err) => err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE'),
    { halfOpenAfter: resilience.halfOpenAfterMs, breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 5 }) },
  );
  breaker.onBreak(() => deps.logger.warn({ upstream: name }, 'circuit opened: calls refused for a moment'));
  breaker.onReset(() => deps.logger.info({ upstream: name }, 'circuit closed again'));
  const slots = new Admission({
    kind: `upstream ${name}`,
    limit: resilience.maxConcurrent,
    maxQueue: resilience.maxQueued,
    maxQueueDelayMs: timeoutMs,
  });
  const budget = retryBudget(0.1, 20);

  async function attempt<T>(op: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T }> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof UpstreamProblem) {
        const p = err.problem;
        // The gateway decides who is forbidden; FORBIDDEN from an internal route means our own
        // internal credential is wrong, which the user cannot fix.
        if (p.status < 500 && p.code !== 'FORBIDDEN') throw err;
        if (p.status === 503 && SHED_CODES.has(p.code)) {
          deps.errors.inc({ service: name, kind: 'shed' });
          throw err;
        }
        deps.errors.inc({ service: name, kind: `status_${p.status}` });
        deps.logger.error({ upstream: name, problem: p }, 'upstream failed');
        throw new AppError('UPSTREAM_UNAVAILABLE', `${name} service is unavailable`);
      }
      if (err instanceof AppError && err.code === 'DEADLINE_EXCEEDED') {
        deps.errors.inc({ service: name, kind: 'deadline' });
        throw err;
      }
      deps.errors.inc({ service: name, kind: err instanceof AppError ? 'unreachable' : 'bad_response' });
      deps.logger.warn({ upstream: name, err }, 'upstream call failed');
      throw new AppError('UPSTREAM_UNAVAILABLE', `${name} service is unavailable`);
    }
  }

  /** One call under a bulkhead slot; refused with 503 before any call when none frees up in time. */
  async function slotted<T>(op: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T }> {
    let permit;
    try {
      permit = await slots.acquire();
    } catch (err) {
      const full = err instanceof AppError && err.code === 'OVERLOADED';
      deps.errors.inc({ service: name, kind: full ? 'bulkhead' : 'deadline_queued' });
      if (full) throw new AppError('OVERLOADED', `${name} service is busy, try again shortly`, undefined, err.retryAfterSeconds);
      throw err;
    }
    try {
      return await breaker.execute(() => attempt(op));
    } finally {
      permit.release();
    }
  }

  async function guard<T>(op: () => Promise<{ status: number; body: T }>, idempotent: boolean): Promise<{ status: number; body: T }> {
    budget.request();
    try {
      return await slotted(op);
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
        deps.errors.inc({ service: name, kind: 'circuit_open' });
        throw new AppError('UPSTREAM_UNAVAILABLE', `${name} service is unavailable`, undefined, Math.ceil(resilience.halfOpenAfterMs / 1000));
      }
      const retryable = idempotent && err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE' && budget.spend();
      if (!retryable) throw err;
      deps.errors.inc({ service: name, kind: 'retried' });
      return guard(op, false);
    }
  }
  return {
    get: <T>(path: string, headers?: Record<string, string>) => guard(() => client.get<T>(path, headers), true),
    post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => guard(() => client.post<T>(path, body, headers), false),
    put: <T>(path: string, body?: unknown) => guard(() => client.put<T>(path, body), false),
    patch: <T>(path: string, body?: unknown) => guard(() => client.patch<T>(path, body), false),
    delete: <T>(path: string) => guard(() => client.delete<T>(path), false),
    close: () => client.close(),
  };
}
export type Upstream = ReturnType<typeof createUpstream>;

/** True when the upstream answered with a 404 problem (used where "absent" is a normal answer). */
export const isNotFound = (err: unknown) => err instanceof UpstreamProblem && err.problem.status === 404;

/**
 * Retries may be at most `ratio` of calls (plus a small reserve): when a service fails for
 * everybody, retries stop at once instead of doubling its load.
 */
function retryBudget(ratio: number, reserve: number) {
  let tokens = reserve;
  return {
    request: () => {
      tokens = Math.min(reserve, tokens + ratio);
    },
    spend: () => {
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
