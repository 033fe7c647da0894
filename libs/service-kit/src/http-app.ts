import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import { PROBLEM_CONTENT_TYPE, REQUEST_ID_HEADER } from '@concert/contracts';
import type { Logger } from './logger';
import { requestContext } from './logger';
import type { Metrics } from './metrics';
import { problemFrom, sendProblem } from './problem';
import { AppError } from './errors';
import { AccessLogConfig } from './config';
import { deadlineMsOf, type DeadlineOptions } from './deadline';
import { overloadMetrics } from './overload-metrics';
import { RequestScope } from './request-scope';
import { traceRequests, tracingActive } from './tracing';

export type ReadinessCheck = () => Promise<void>;

export interface AccessLogOptions {
  /**
   * Share of successful (< 400), fast requests that get an info line: 1 = every one, 0 = none.
   * 4xx (warn), 5xx (error) and slow requests are always logged.
   */
  sampleRate?: number;
  /** A request slower than this is logged at warn whatever its status. */
  slowMs?: number;
}

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
  bodyLimit?: string;
  /** How requests get their deadline; services honour the caller's header by default. */
  deadline?: DeadlineOptions & { kindOf?: (path: string) => string };
  /**
   * Express `trust proxy`: which peers may tell us the client address in X-Forwarded-For.
   * Default false: the address is the TCP peer's, so a client cannot make one up.
   */
  trustProxy?: boolean | number | string;
  /** Default: ACCESS_LOG_SAMPLE_RATE and ACCESS_LOG_SLOW_MS (BaseConfig, validated at start-up). */
  accessLog?: AccessLogOptions;
}

/**
 * An express app with what every service needs before its own routes: request id, deadline,
 * access log, timings, JSON body parsing with a size limit, `/healthz`, `/readyz`, `/metrics`.
 * Call `finish(app)` after mounting routes to add the 404 and the one error mapper.
 */
export function createHttpApp({
  logger,
  metrics,
  readiness,
  bodyLimit = '1mb',
  deadline = { trustHeader: true },
  trustProxy = false,
  accessLog = accessLogFromEnv(),
}: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('etag', false);

  app.use(requestScope({ logger, metrics, deadline, accessLog, bodyLimit }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'ok'] as const;
        } catch (err) {
          logger.warn({ err, check: name }, 'readiness check failed');
          return [name, 'fail'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ok = results.every(([, r]) => r === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}

export function finish(app: Express, logger: Logger): Express {
  app.use((req, _res, next) => next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`)));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const problem = problemFrom(err);
    // Overload and deadline refusals are expected and counted; only real failures are errors.
    if (problem.status >= 500 && problem.status !== 503) logger.error({ err, path: req.path }, 'request failed');
    else if (problem.status === 503) logger.warn({ code: problem.code, detail: problem.detail, path: req.path }, 'request refused');
    // Every 429/503 tells the client when to come back (API.md); the refusing piece knows best.
    if ((problem.status === 503 || problem.status === 429) && !res.headersSent && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(err instanceof AppError && err.retryAfterSeconds ? Math.ceil(err.retryAfterSeconds) : 1));
    sendProblem(res, problem);
  };
  app.use(onError);
  return app;
}

/** Probes and scrapes are not traffic: they would drown the access log and the traces. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const VALID_REQUEST_ID = /^[\w-]{1,128}$/;

/**
 * Everything a request needs before its route, as ONE middleware with ONE `close` listener (a
 * sale's requests are small; per-request layers, listeners and objects are most of their cost):
 * - the request id (the caller's when well-formed, else new) on the response and, through the
 *   request's async context, on every log line written for it;
 * - its deadline (deadline.ts) and "the caller went away" (aborts work, see request-scope.ts);
 * - a SERVER span, only when tracing is on;
 * - the JSON body, only when the request carries a body;
 * - at the end: the duration histogram, the time left to the deadline, and the access log.
 */
function requestScope(o: {
  logger: Logger;
  metrics: Metrics;
  deadline: DeadlineOptions & { kindOf?: (path: string) => string };
  accessLog: AccessLogOptions;
  bodyLimit: string;
}): RequestHandler {
  const { timeToDeadline } = overloadMetrics(o.metrics.registry);
  const { httpDuration } = o.metrics;
  const kindOf = o.deadline.kindOf ?? (() => 'http');
  const log = accessLogger(o.logger, o.accessLog);
  const json = express.json({ limit: o.bodyLimit, type: ['application/json', 'application/*+json'] });

  return (req, res, next) => {
    const started = performance.now();
    const incoming = req.headers[REQUEST_ID_HEADER];
    const scope = new RequestScope(typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID());
    res.setHeader(REQUEST_ID_HEADER, scope.requestId);
    const ms = deadlineMsOf(req, o.deadline);
    if (ms !== undefined) scope.deadline = Date.now() + ms;
    const path = req.path;

    res.once('close', () => {
      if (!res.writableFinished) {
        scope.leave();
        log.gone(req, res, scope.requestId, performance.now() - started, path);
        return;
      }
      const elapsed = performance.now() - started;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, elapsed / 1000);
      if (scope.deadline !== undefined) timeToDeadline.observe({ kind: kindOf(path) }, Math.max(0, scope.deadline - Date.now()) / 1000);
      log.done(req, res, scope.requestId, elapsed, path);
    });

    requestContext.run(scope, () => {
      if (ms !== undefined && ms <= 0) return next(new AppError('DEADLINE_EXCEEDED', 'The request arrived after its deadline', undefined, 1));
      const body: RequestHandler = hasBody(req) ? json : skip;
      if (tracingActive()) traceRequests(req, res, () => body(req, res, next));
      else body(req, res, next);
    });
  };
}

function accessLogFromEnv(env: NodeJS.ProcessEnv = process.env): AccessLogOptions {
  const c = AccessLogConfig.parse(env);
  return { sampleRate: c.ACCESS_LOG_SAMPLE_RATE, slowMs: c.ACCESS_LOG_SLOW_MS };
}

const skip: RequestHandler = (_req, _res, next) => next();
/** As type-is' hasBody: a GET, a DELETE or a POST without a body skips the parser entirely. */
const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;

/**
 * The access log: 5xx at error, 4xx and slow requests at warn, every time; a successful request
 * at info for a `sampleRate` share of them. One line per request with method, URL, status,
 * time and `requestId` (the shape pino-http wrote: `req`, `res`, `responseTime`), and no child
 * logger or serializer per request.
 */
function accessLogger(logger: Logger, o: AccessLogOptions) {
  const sampleRate = o.sampleRate ?? 1;
  const slowMs = o.slowMs ?? 1000;
  const line = (req: Request, res: Response, requestId: string, ms: number) => ({
    requestId,
    req: { method: req.method, url: req.originalUrl },
    res: { statusCode: res.statusCode },
    responseTime: Math.round(ms),
  });
  return {
    done(req: Request, res: Response, requestId: string, ms: number, path: string): void {
      if (QUIET_PATHS.has(path)) return;
      const status = res.statusCode;
      const msg = () => `${req.method} ${req.originalUrl} ${status} ${Math.round(ms)}ms`;
      if (status >= 500) logger.error(line(req, res, requestId, ms), msg());
      else if (status >= 400) logger.warn(line(req, res, requestId, ms), msg());
      else if (ms >= slowMs) logger.warn(line(req, res, requestId, ms), `${msg()} (slow)`);
      else if (sampleRate > 0 && logger.isLevelEnabled('info') && (sampleRate >= 1 || Math.random() < sampleRate))
        logger.info(line(req, res, requestId, ms), msg());
    },
    /** The client closed the connection before the answer (a gateway that timed out, a fan who left). */
    gone(req: Request, res: Response, requestId: string, ms: number, path: string): void {
      if (QUIET_PATHS.has(path)) return;
      logger.warn(line(req, res, requestId, ms), `${req.method} ${req.originalUrl} closed by the client before the answer`);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export { PROBLEM_CONTENT_TYPE };
