import { Pool } from 'undici';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, type Problem } from '@concert/contracts';
import { AppError } from './errors';
import { currentRequestId } from './logger';
import { currentSignal, DEADLINE_HEADER, remainingMs } from './deadline';
import { dispatchText, type TextAnswer } from './internal-dispatch';
import { injectTraceContext, inSpan, SpanKind, tracingActive } from './tracing';

export interface InternalResponse<T> {
  status: number;
  body: T;
}

/**
 * Thrown when a service answered with a problem document; carries it unchanged. A refusal (4xx)
 * carries no stack trace: it is an answer passed on (most of a sale's hold answers are 409s), no
 * one reads its stack, and capturing one costs more than the rest of passing it on.
 */
export class UpstreamProblem extends Error {
  readonly problem: Problem;
  /** The callee's Retry-After (seconds), for 429/503. */
  readonly retryAfterSeconds?: number;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    const limit = Error.stackTraceLimit;
    if (typeof problem.status === 'number' && problem.status < 500) Error.stackTraceLimit = 0;
    try {
      super(problem.detail);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
    this.name = 'UpstreamProblem';
  }
}

/**
 * A small JSON client for service-to-service calls over keep-alive connection pools (undici's
 * dispatch, see internal-dispatch.ts: noticeably less CPU per call than fetch, which matters when a sale saturates two cores);
 * the internal credential (a service token, see internal-auth.ts) and the request id are added to every call.
 *
 * `baseUrls` may list several replicas, comma-separated: calls go round-robin, and a replica
 * that refuses the connection (killed, restarting) is skipped for the next one. Only a refused
 * connection is retried elsewhere: the request never reached a server, so it cannot apply twice.
 */
export function createInternalClient(baseUrls: string, token: string | (() => Promise<string>), timeoutMs = 5000) {
  const replicas = baseUrls.split(',').map((u) => u.trim()).filter(Boolean).map((u) => {
    const url = new URL(u);
    // No pipelining (undici's default of 1): a request queued behind another on a connection that
    // breaks could not be told apart from one the server applied. Keep-alive reuses connections.
    const pool = new Pool(url.origin, { connections: POOL_CONNECTIONS, keepAliveTimeout: 30_000 });
    // downUntil: a replica that refused a connection is passed over for a moment, not tried first again.
    return { prefix: url.pathname.replace(/\/$/, ''), pool, downUntil: 0 };
  });
  if (replicas.length === 0) throw new Error('createInternalClient: no base URL');
  const server = new URL(baseUrls.split(',')[0]!.trim()).host;
  let next = 0;

  /** Replicas to try, in order: round-robin, those that refused a connection lately last. */
  function tryOrder(): typeof replicas {
    if (replicas.length === 1) return replicas;
    const start = next++;
    const now = Date.now();
    const order = replicas.map((_, i) => replicas[(start + i) % replicas.length]!);
    order.sort((a, b) => Number(a.downUntil > now) - Number(b.downUntil > now));
    return order;
  }

  async function send(method: Method, path: string, headers: Record<string, string>, body?: string): Promise<TextAnswer> {
    let lastErr: unknown;
    const left = remainingMs();
    if (left <= 0) throw new AppError('DEADLINE_EXCEEDED', `no time left to call ${path}`, undefined, 1);
    const timeout = Math.max(1, Math.min(timeoutMs, left));
    if (left !== Infinity) headers[DEADLINE_HEADER] = String(Math.floor(left));
    const signal = currentSignal();
    for (const replica of tryOrder()) {
      const { prefix, pool } = replica;
      try {
        return await dispatchText(pool, { method, path: prefix + path, headers, body, headersTimeout: timeout, bodyTimeout: timeout }, signal);
      } catch (err) {
        lastErr = err;
        if (!isConnectionRefused(err)) break;
        replica.downUntil = Date.now() + REFUSED_BACKOFF_MS;
      }
    }
    const e = lastErr as { code?: string; message?: string } | undefined;
    // The deadline, not the callee, ended the call: say so, so nobody blames a healthy service.
    if (isTimeout(lastErr) && timeout < timeoutMs) throw new AppError('DEADLINE_EXCEEDED', `${path}: the deadline passed while waiting`, undefined, 1);
    if (signal?.aborted) throw new AppError('DEADLINE_EXCEEDED', `${path}: the caller went away`, undefined, 1);
    throw new AppError('UPSTREAM_UNAVAILABLE', `upstream unreachable: ${e?.message ?? 'unknown'}${e?.code ? ` (${e.code})` : ''}`);
  }

  async function call<T>(method: Method, path: string, body?: unknown, headers?: Record<string, string>): Promise<InternalResponse<T>> {
    // serviceTokenSource signs once a minute and hands back its cached token in between.
    const credential = typeof token === 'string' ? token : await token();
    const h: Record<string, string> = headers ? { [INTERNAL_TOKEN_HEADER]: credential, accept: JSON_TYPE, ...headers } : { [INTERNAL_TOKEN_HEADER]: credential, accept: JSON_TYPE };
    const requestId = currentRequestId();
    if (requestId) h[REQUEST_ID_HEADER] = requestId;
    if (body !== undefined) h['content-type'] = JSON_TYPE;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // Without tracing no span is made and no trace header written (not even a no-op span).
    const res = !tracingActive()
      ? await send(method, path, h, payload)
      : await inSpan(method, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'url.path': path, 'server.address': server } }, async (span, ctx) => {
          const r = await send(method, path, injectTraceContext(h, ctx), payload);
          span.setAttribute('http.response.status_code', r.status);
          return r;
        });
    const parsed = parseJson(res.text);
    if (res.status >= 400) {
      const p = parsed as Problem | undefined;
      if (p && typeof p.code === 'string') throw new UpstreamProblem(p, res.retryAfter);
      throw new AppError('UPSTREAM_UNAVAILABLE', `upstream answered ${res.status}`);
    }
    return { status: res.status, body: parsed as T };
  }
  return {
    get: <T>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
    put: <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('PUT', path, body, headers),
    patch: <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
    delete: <T>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
    close: () => Promise.all(replicas.map((r) => r.pool.close())).then(() => undefined),
  };
}
export type InternalClient = ReturnType<typeof createInternalClient>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const JSON_TYPE = 'application/json';
const REFUSED_BACKOFF_MS = 1000;
// Per replica; a sale keeps at most this many calls in flight to one replica, the rest queue.
const POOL_CONNECTIONS = 128;

const isTimeout = (err: unknown) => {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
};
const isConnectionRefused = (err: unknown) => (err as { code?: string } | undefined)?.code === 'ECONNREFUSED';

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('UPSTREAM_UNAVAILABLE', 'upstream answered with a body that is not JSON');
  }
}
