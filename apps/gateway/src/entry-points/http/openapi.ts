import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as c from '@concert/contracts';
import { ChargeBody } from './me.routes';

type Method = RouteConfig['method'];
type Auth = 'none' | 'user' | 'admin';
type ResponseSpec = { status: number; schema?: z.ZodType; description: string };

/**
 * OpenAPI 3.1 document of API.md, built from the same zod schemas the gateway validates with, so
 * the document cannot drift from the code. Served at /openapi.json and /api/v1/openapi.json.
 */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  built ??= build();
  return built;
}
let built: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

function build() {
  const registry = new OpenAPIRegistry();
  // Named components through zod's own metadata (the contracts' schemas predate any zod patching);
  // ids live in zod's global registry, hence the document is built once per process.
  const reg = <T extends z.ZodType>(name: string, s: T): T => s.meta({ id: name }) as T;

  const Problem = reg('Problem', c.Problem);
  const Concert = reg('Concert', c.Concert);
  const Reservation = reg('Reservation', c.Reservation);
  const Payment = reg('Payment', c.Payment);
  const User = reg('User', c.User);
  const QueueToken = reg('QueueTokenResponse', c.QueueTokenResponse);
  const QueueStatus = reg('QueueStatusResponse', c.QueueStatusResponse);
  const QueueStats = reg('QueueStats', c.QueueStats);
  const QueuePolicy = reg('QueuePolicy', c.QueuePolicy);
  const Transaction = reg('BalanceTransaction', c.BalanceTransaction);

  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.registerComponent('securitySchemes', 'queueToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Queue-Token',
    description: 'Queue token from POST /concerts/{concertId}/queue/tokens',
  });

  const idemHeader = z.object({ 'idempotency-key': c.IdempotencyKey });
  const id = (name: string) => z.object({ [name]: z.uuid() });

  const add = (
    method: Method,
    path: string,
    summary: string,
    opts: { auth?: Auth; queue?: boolean; body?: z.ZodType; query?: z.ZodObject; params?: z.ZodObject; headers?: z.ZodObject; ok: ResponseSpec; errors: Partial<Record<number, string>> },
  ) => {
    const security = [];
    if (opts.auth && opts.auth !== 'none') security.push(opts.queue ? { bearer: [], queueToken: [] } : { bearer: [] });
    const responses: RouteConfig['responses'] = {
      [opts.ok.status]: opts.ok.schema
        ? { description: opts.ok.description, content: { 'application/json': { schema: opts.ok.schema } } }
        : { description: opts.ok.description },
    };
    const errs: Partial<Record<number, string>> = { ...opts.errors };
    if (opts.auth && opts.auth !== 'none') errs[401] ??= 'UNAUTHENTICATED, TOKEN_EXPIRED or TOKEN_REVOKED';
    if (opts.auth === 'admin') errs[403] ??= 'FORBIDDEN (not an operator)';
    errs[429] ??= 'RATE_LIMITED (see Retry-After)';
    errs[503] ??= 'OVERLOADED, DEADLINE_EXCEEDED or UPSTREAM_UNAVAILABLE (nothing was written; see Retry-After)';
    for (const [status, description] of Object.entries(errs))
      responses[status] = { description: description ?? '', content: { [c.PROBLEM_CONTENT_TYPE]: { schema: Problem } } };
    registry.registerPath({
      method,
      path,
      summary,
      security,
      request: {
        ...(opts.body ? { body: { required: true, content: { 'application/json': { schema: opts.body } } } } : {}),
        ...(opts.query ? { query: opts.query } : {}),
        ...(opts.params ? { params: opts.params } : {}),
        ...(opts.headers ? { headers: opts.headers } : {}),
      },
      responses,
    });
  };

  // ---- auth
  add('post', '/auth/signup', 'Create an account', { body: c.SignupRequest, ok: { status: 201, schema: c.SignupResponse, description: 'Created' }, errors: { 400: 'VALIDATION_FAILED', 409: 'EMAIL_TAKEN' } });
  add('post', '/auth/login', 'Log in; replaces the previous session', { body: c.LoginRequest, ok: { status: 200, schema: c.LoginResponse, description: 'Access token' }, errors: { 400: 'VALIDATION_FAILED', 401: 'INVALID_CREDENTIALS' } });
  add('post', '/auth/logout', 'Revoke the current access token', { auth: 'user', ok: { status: 204, description: 'Revoked' }, errors: {} });

  // ---- me
  add('get', '/me', 'Current user', { auth: 'user', ok: { status: 200, schema: User, description: 'User' }, errors: {} });
  add('get', '/me/balance', 'Prepaid balance', { auth: 'user', ok: { status: 200, schema: c.BalanceResponse, description: 'Balance' }, errors: {} });
  add('post', '/me/balance/charge', 'Add money to the balance', { auth: 'user', body: ChargeBody, headers: idemHeader, ok: { status: 200, schema: c.ChargeResponse, description: 'New balance' }, errors: { 400: 'VALIDATION_FAILED', 409: 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 422: 'IDEMPOTENCY_KEY_REUSED' } });
  add('get', '/me/balance/transactions', 'Balance ledger, newest first', { auth: 'user', query: c.TransactionsQuery, ok: { status: 200, schema: z.object({ items: z.array(Transaction), nextCursor: z.string().nullable() }), description: 'A page' }, errors: { 400: 'VALIDATION_FAILED' } });
  add('get', '/me/reservations', "The user's reservations", { auth: 'user', ok: { status: 200, schema: z.object({ items: z.array(Reservation) }), description: 'Reservations' }, errors: {} });

  // ---- concerts
  add('get', '/concerts', 'List concerts', { query: c.ConcertListQuery, ok: { status: 200, schema: z.object({ items: z.array(Concert) }), description: 'Concerts' }, errors: { 400: 'VALIDATION_FAILED' } });
  add('get', '/concerts/{concertId}', 'One concert', { params: id('concertId'), ok: { status: 200, schema: Concert, description: 'Concert' }, errors: { 404: 'CONCERT_NOT_FOUND' } });
  add('get', '/concerts/{concertId}/seats', 'Seat map', { params: id('concertId'), ok: { status: 200, schema: c.SeatMap, description: 'Seats' }, errors: { 404: 'CONCERT_NOT_FOUND' } });

  // ---- queue
  add('post', '/concerts/{concertId}/queue/tokens', 'Join the waiting room (201 new, 200 already queued)', { auth: 'user', params: id('concertId'), ok: { status: 201, schema: QueueToken, description: 'Queued (200 with the same body when already queued)' }, errors: { 404: 'CONCERT_NOT_FOUND', 409: 'BOOKING_NOT_OPEN' } });
  add('get', '/queue/status', 'Position, ETA and admission state', { auth: 'user', queue: true, query: z.object({ concertId: z.uuid().optional() }), ok: { status: 200, schema: QueueStatus, description: 'Status' }, errors: { 403: 'QUEUE_TOKEN_INVALID' } });

  // ---- reservations
  add('post', '/reservations', 'Hold a seat for 5 minutes', { auth: 'user', queue: true, body: c.CreateReservationRequest, ok: { status: 201, schema: Reservation, description: 'Held (TEMPORARILY_RESERVED)' }, errors: { 400: 'VALIDATION_FAILED', 403: 'QUEUE_TOKEN_INVALID or QUEUE_TOKEN_NOT_ACTIVE', 404: 'CONCERT_NOT_FOUND or SEAT_NOT_FOUND', 409: 'SEAT_UNAVAILABLE, BOOKING_NOT_OPEN or HOLD_LIMIT_REACHED' } });
  add('get', '/reservations/{id}', 'One reservation', { auth: 'user', params: id('id'), ok: { status: 200, schema: Reservation, description: 'Reservation' }, errors: { 404: 'RESERVATION_NOT_FOUND' } });
  add('delete', '/reservations/{id}', 'Cancel a hold', { auth: 'user', params: id('id'), ok: { status: 200, schema: Reservation, description: 'Cancelled' }, errors: { 404: 'RESERVATION_NOT_FOUND', 409: 'RESERVATION_NOT_CANCELLABLE' } });

  // ---- payments
  add('post', '/payments', 'Pay a held reservation from the balance', { auth: 'user', queue: true, body: c.CreatePaymentRequest, headers: idemHeader, ok: { status: 201, schema: Payment, description: 'COMPLETED' }, errors: { 400: 'VALIDATION_FAILED', 403: 'QUEUE_TOKEN_INVALID or QUEUE_TOKEN_NOT_ACTIVE', 404: 'RESERVATION_NOT_FOUND', 409: 'INSUFFICIENT_BALANCE or ALREADY_PAID', 410: 'RESERVATION_EXPIRED', 422: 'IDEMPOTENCY_KEY_REUSED' } });
  add('get', '/payments/{id}', 'One payment', { auth: 'user', params: id('id'), ok: { status: 200, schema: Payment, description: 'Payment' }, errors: { 404: 'PAYMENT_NOT_FOUND' } });

  // ---- operators
  add('post', '/admin/concerts', 'Create a concert with seats 1..totalSeats', { auth: 'admin', body: c.CreateConcertRequest, ok: { status: 201, schema: Concert, description: 'Created' }, errors: { 400: 'VALIDATION_FAILED' } });
  add('patch', '/admin/concerts/{id}', 'Change a concert status', { auth: 'admin', params: id('id'), body: c.UpdateConcertRequest, ok: { status: 200, schema: Concert, description: 'Updated' }, errors: { 400: 'VALIDATION_FAILED', 404: 'CONCERT_NOT_FOUND', 409: 'INVALID_STATE' } });
  add('put', '/admin/concerts/{id}/queue-policy', 'Set admission rate, max active and active TTL', { auth: 'admin', params: id('id'), body: QueuePolicy, ok: { status: 200, schema: QueueStats, description: 'Policy in force' }, errors: { 400: 'VALIDATION_FAILED', 404: 'CONCERT_NOT_FOUND' } });
  add('get', '/admin/concerts/{id}/queue', 'Waiting room figures', { auth: 'admin', params: id('id'), ok: { status: 200, schema: QueueStats, description: 'Stats' }, errors: { 404: 'CONCERT_NOT_FOUND' } });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Concert booking API',
      version: '1.0.0',
      description: 'Public REST API of the concert booking platform (API.md). Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/api/v1' }],
  });
}
