import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, type Problem } from '@concert/contracts';
import { AppError } from './errors';
import { currentRequestId } from './logger';

export interface InternalResponse<T> {
  status: number;
  body: T;
}

/** Thrown when a service answered with a problem document; carries it unchanged. */
export class UpstreamProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'UpstreamProblem';
  }
}

/**
 * A small JSON client for service-to-service calls. Node's fetch keeps connections alive;
 * the internal credential and the request id are added to every call.
 *
 * `baseUrls` may list several replicas, comma-separated: calls go round-robin, and a replica
 * that refuses the connection (killed, restarting) is skipped for the next one. Only a refused
 * connection is retried elsewhere: the request never reached a server, so it cannot apply twice.
 */
export function createInternalClient(baseUrls: string, token: string, timeoutMs = 5000) {
  const bases = baseUrls.split(',').map((u) => u.trim()).filter(Boolean);
  if (bases.length === 0) throw new Error('createInternalClient: no base URL');
  let next = 0;
  // A replica that refused a connection is passed over for a moment rather than tried first again.
  const downUntil = new Array<number>(bases.length).fill(0);

  async function send(method: string, path: string, init: RequestInit): Promise<Response> {
    let lastErr: unknown;
    const start = next++;
    const now = Date.now();
    const order = bases.map((_, i) => (start + i) % bases.length);
    order.sort((a, b) => Number(downUntil[a]! > now) - Number(downUntil[b]! > now));
    for (const i of order) {
      try {
        return await fetch(new URL(path, bases[i]), { ...init, method, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        lastErr = err;
        if (!isConnectionRefused(err)) break;
        downUntil[i] = Date.now() + REFUSED_BACKOFF_MS;
      }
    }
    const cause = (lastErr as { cause?: { code?: string; message?: string } })?.cause;
    throw new AppError('UPSTREAM_UNAVAILABLE', `upstream unreachable: ${(lastErr as Error)?.message ?? 'unknown'}${cause ? ` (${cause.code ?? cause.message})` : ''}`);
  }

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<InternalResponse<T>> {
    const h: Record<string, string> = { [INTERNAL_TOKEN_HEADER]: token, accept: 'application/json', ...headers };
    const requestId = currentRequestId();
    if (requestId) h[REQUEST_ID_HEADER] = requestId;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await send(method, path, { headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const parsed = parseJson(text);
    if (res.status >= 400) {
      const p = parsed as Problem | undefined;
      if (p && typeof p.code === 'string') throw new UpstreamProblem(p);
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
  };
}
export type InternalClient = ReturnType<typeof createInternalClient>;

const REFUSED_BACKOFF_MS = 1000;

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause;
  return cause?.code === 'ECONNREFUSED';
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('UPSTREAM_UNAVAILABLE', 'upstream answered with a body that is not JSON');
  }
}
