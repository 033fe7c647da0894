import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import { buildAsyncApiDocument, DomainError, ERROR_STATUS, type Problem } from '@concert/contracts';
import { AppError, createHttpApp, currentRequestId, finish, sendProblem, UpstreamProblem, type Logger, type Metrics, type ReadinessCheck } from '@concert/service-kit';
import type { Counter } from 'prom-client';
import { adminRoutes } from './entry-points/http/admin.routes';
import { authRoutes } from './entry-points/http/auth.routes';
import { concertRoutes } from './entry-points/http/concerts.routes';
import type { GatewayDeps } from './use-cases/deps';
import { meRoutes } from './entry-points/http/me.routes';
import { paymentRoutes } from './entry-points/http/payments.routes';
import { queueRoutes } from './entry-points/http/queue.routes';
import { reservationRoutes } from './entry-points/http/reservations.routes';
import { webAppRoutes } from './entry-points/http/web-app';
import { buildOpenApiDocument } from './entry-points/http/openapi';
import { perIpLimit } from './entry-points/http/rate-limit.middleware';

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Requests refused for authentication or authorization, counted by code at the edge. */
  authFailures: Counter<string>;
  readiness: Record<string, ReadinessCheck>;
  /** Public signing keys, current and retired, each with its `kid`. */
  jwks: { keys: unknown[] };
}

const API = '/api/v1';
const BODY_LIMIT_BYTES = 1024 * 1024;
const TOKEN_CODES = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']);
const AUTH_FAILURE_CODES = new Set([...TOKEN_CODES, 'INVALID_CREDENTIALS', 'FORBIDDEN', 'QUEUE_TOKEN_INVALID', 'QUEUE_TOKEN_NOT_ACTIVE']);

/** The same shape as every service's: (deps, options). */
export function createApp(d: GatewayDeps, o: AppOptions): Express {
  const app = createHttpApp({
    logger: o.logger,
    metrics: o.metrics,
    readiness: o.readiness,
    bodyLimit: '1mb',
    trustProxy: d.config.TRUST_PROXY,
    // Every public request gets the gateway's deadline (a client's header is not trusted); the
    // services receive what is left of it with each call (x-request-deadline-ms).
    deadline: {
      trustHeader: false,
      defaultMs: (req) => (routeKind(req.path) === 'auth' ? d.config.AUTH_DEADLINE_MS : d.config.UPSTREAM_TIMEOUT_MS),
      kindOf: routeKind,
    },
  });
  // The sale's most frequent requests (status poll, enqueue) are routes of the app itself, in
  // front of every other one: Express walks each layer before a request's route, and these would
  // otherwise pass the documents, the docs and two routers first. They run the chain every
  // /api/v1 route runs (body size, no-store, per-IP limit) before their own.
  const perIp = perIpLimit(d.limits);
  const apiFront: RequestHandler[] = [rejectLargeBodies, noStore, perIp];
  queueRoutes(d, {
    get: (path, ...handlers) => app.get(`${API}${path}`, ...apiFront, ...handlers),
    post: (path, ...handlers) => app.post(`${API}${path}`, ...apiFront, ...handlers),
  });
  app.use(rejectLargeBodies);

  const openapi = buildOpenApiDocument();
  const asyncapi = buildAsyncApiDocument();
  app.get(['/openapi.json', '/api/v1/openapi.json'], (_req, res) => {
    res.json(openapi);
  });
  // Anyone may verify our tokens; replicas configured with the same keys publish the same set.
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(o.jwks);
  });
  app.get(['/asyncapi.json', '/api/v1/asyncapi.json'], (_req, res) => {
    res.json(asyncapi);
  });
  // swagger-ui-express serves its assets from the local swagger-ui-dist package: no CDN.
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Concert booking API' }));

  const api = express.Router();
  api.use(noStore);
  api.use(perIp);
  // The hot routes first (hold, payment): each request walks the routers in this order, and no
  // two of them (nor the queue's routes above) answer the same method and path.
  for (const routes of [reservationRoutes(d), paymentRoutes(d, o.logger), concertRoutes(d), meRoutes(d), authRoutes(d), adminRoutes(d)])
    api.use(routes);
  app.use(API, api);
  app.use(webAppRoutes());

  app.use(gatewayErrors(o.authFailures));
  return finish(app, o.logger);
}

/** Signup and login hash passwords, slowly on purpose: they get a deadline of their own. */
const AUTH_PATHS = new Set(['/api/v1/auth/signup', '/api/v1/auth/login']);
const routeKind = (path: string) => (AUTH_PATHS.has(path) ? 'auth' : 'api');

// Responses carry tokens and balances: no shared cache may keep them.
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** express.json only reads JSON; a huge body of any other type is refused by its declared size. */
const rejectLargeBodies: RequestHandler = (req, _res, next) => {
  const len = Number(req.header('content-length') ?? 0);
  if (len > BODY_LIMIT_BYTES) return next(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'));
  next();
};

/**
 * Before the shared mapper: a callee's problem passes through unchanged (status, code, detail),
 * 401s carry `WWW-Authenticate`, and auth failures are counted.
 */
function gatewayErrors(authFailures: Counter<string>): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const code = err instanceof UpstreamProblem ? err.problem.code : err instanceof DomainError ? err.code : undefined;
    const status = err instanceof UpstreamProblem ? err.problem.status : code ? ERROR_STATUS[code] : undefined;
    if (code && AUTH_FAILURE_CODES.has(code)) authFailures.inc({ code });
    if (status === 401)
      res.setHeader('WWW-Authenticate', code && TOKEN_CODES.has(code) && code !== 'UNAUTHENTICATED' ? 'Bearer error="invalid_token"' : 'Bearer');
    if (!(err instanceof UpstreamProblem)) return next(err);
    const p = err.problem;
    const out: Problem = { type: p.type, title: p.title, status: p.status, detail: p.detail, code: p.code };
    if (p.errors) out.errors = p.errors;
    const requestId = currentRequestId();
    if (requestId) out.requestId = requestId;
    // A service's refusal keeps its Retry-After (the backlog it measured), as API.md promises.
    if (p.status === 503 || p.status === 429) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterSeconds ?? 1)));
    sendProblem(res, out);
  };
}
