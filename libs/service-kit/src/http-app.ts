import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { PROBLEM_CONTENT_TYPE, REQUEST_ID_HEADER } from '@concert/contracts';
import type { Logger } from './logger';
import { requestContext } from './logger';
import type { Metrics } from './metrics';
import { problemFrom, sendProblem } from './problem';
import { AppError } from './errors';
import { deadlineMiddleware, type DeadlineOptions } from './deadline';
import { overloadMetrics } from './overload-metrics';
import { traceRequests } from './tracing';

export type ReadinessCheck = () => Promise<void>;

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
}

/**
 * An express app with what every service needs before its own routes: request id, JSON body
 * parsing with a size limit, timings, `/healthz`, `/readyz`, `/metrics`. Call `finish(app)`
 * after mounting routes to add the 404 and the one error mapper.
 */
export function createHttpApp({ logger, metrics, readiness, bodyLimit = '1mb', deadline = { trustHeader: true }, trustProxy = false }: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('etag', false);

  app.use(requestIdMiddleware);
  app.use(accessLog(logger));
  app.use(traceRequests);
  app.use(timing(metrics));
  app.use(deadlineMiddleware(deadline));
  app.use(timeToDeadline(metrics, deadline.kindOf ?? (() => 'http')));
  app.use(express.json({ limit: bodyLimit, type: ['application/json', 'application/*+json'] }));

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

const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const incoming = req.header(REQUEST_ID_HEADER);
  const requestId = incoming && /^[\w-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  requestContext.run({ requestId }, () => next());
};

/** Probes and scrapes are not traffic: they would drown the access log. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One access-log line per request (pino-http), with the request id that the response carries
 * and every other log line of the request has; 5xx at error, 4xx at warn.
 */
function accessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => String(res.getHeader(REQUEST_ID_HEADER)),
    // `requestId` comes from the logger's mixin like on every line; `reqId` too in case a line is
    // ever written outside the request's async context.
    quietReqLogger: true,
    autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url ?? '') },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res, ms) => `${req.method} ${req.url} ${res.statusCode} ${Math.round(ms)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

function timing(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** Observes how much of each request's deadline was left when its answer went out. */
function timeToDeadline(metrics: Metrics, kindOf: (path: string) => string): RequestHandler {
  const { timeToDeadline: histogram } = overloadMetrics(metrics.registry);
  return (req, res, next) => {
    const deadline = requestContext.getStore()?.deadline;
    if (deadline !== undefined) {
      const path = req.path;
      res.once('finish', () => histogram.observe({ kind: kindOf(path) }, Math.max(0, deadline - Date.now()) / 1000));
    }
    next();
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
