import type { NextFunction, RequestHandler, Response } from 'express';
import { Admission, type Permit } from './admission';
import type { Metrics } from './metrics';
import { overloadMetrics } from './overload-metrics';

/**
 * Admission for whole requests: a permit before the handler runs (so a refusal is a 503 with
 * Retry-After before any read or write), released when the answer is sent or the client left.
 * A 5xx answer counts as congestion for an adaptive limit.
 */
export function admissionMiddleware(admission: Admission): RequestHandler {
  const admitted = (permit: Permit, res: Response, next: NextFunction) => {
    res.once('close', () => permit.release(res.statusCode < 500));
    next();
  };
  return (_req, res, next) => {
    let now: Permit | undefined;
    try {
      now = admission.tryAcquire();
    } catch (err) {
      return next(err);
    }
    // A free permit goes on at once; only a request that has to wait gets a promise.
    if (now) return admitted(now, res, next);
    admission.acquire().then((permit) => admitted(permit, res, next), next);
  };
}

/** The admission every service puts in front of its internal routes, tuned by the ADMISSION_* settings. */
export function serviceAdmission(
  kind: string,
  c: { ADMISSION_LIMIT: number; ADMISSION_MAX_LIMIT: number; ADMISSION_MAX_QUEUE_MS: number; ADMISSION_TARGET_MS: number },
  metrics: Metrics,
): RequestHandler {
  const min = Math.max(1, Math.floor(c.ADMISSION_LIMIT / 4));
  return admissionMiddleware(
    new Admission({
      kind,
      limit: c.ADMISSION_LIMIT,
      adaptive: { min, max: Math.max(c.ADMISSION_LIMIT, c.ADMISSION_MAX_LIMIT), targetMs: c.ADMISSION_TARGET_MS },
      maxQueue: 10 * c.ADMISSION_MAX_LIMIT,
      maxQueueDelayMs: c.ADMISSION_MAX_QUEUE_MS,
      initialServiceMs: 20,
      metrics: overloadMetrics(metrics.registry),
    }),
  );
}
