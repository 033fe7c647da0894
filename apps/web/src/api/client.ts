import { canRetry, BUSY_RETRY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from '../logic/retry';
import { messageFor, SESSION_ENDING_CODES } from '../logic/problems';
import { clockSkewMs } from '../logic/countdown';

/** A refused or failed call, with the API's problem code and clear words for the fan. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly fieldErrors: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface BusyState {
  /** Epoch ms of the next automatic retry. */
  retryAt: number;
  attempt: number;
  status: number;
}

export interface ApiEvents {
  /** A 503 is being retried by itself (state), or no longer (undefined). */
  onBusy(requestId: number, state: BusyState | undefined): void;
  /** 429: nothing more is sent before `until` (epoch ms). */
  onRateLimited(until: number): void;
  /** The access token was refused (expired, replaced by a newer login, revoked). */
  onSessionEnded(code: string): void;
  onClockSkew(ms: number): void;
}

export interface RequestOptions {
  body?: unknown;
  auth?: boolean;
  queueToken?: string;
  idempotencyKey?: string;
  /** While rate limited: 'wait' (pollers) sleeps until allowed; 'throw' (fan actions) refuses at once. */
  onCooldown?: 'wait' | 'throw';
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

export interface ApiDeps {
  base: string;
  getToken(): string | undefined;
  events: ApiEvents;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  retry?: RetryPolicy;
}

export type Api = ReturnType<typeof createApi>;

const abortable = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    }, { once: true });
  });

/**
 * The only door to the platform: the public API of API.md on the same origin. It adds the access
 * token, retries 503s by itself after `Retry-After` (a refused request wrote nothing, and pay and
 * charge carry an idempotency key, so the retry is safe), stops sending while rate limited, and
 * reports a dead session once so the app can send the fan back to the login page.
 */
export function createApi(d: ApiDeps) {
  const doFetch = d.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const sleep = d.sleep ?? abortable;
  const now = d.now ?? Date.now;
  const policy = d.retry ?? BUSY_RETRY;
  let rateLimitedUntil = 0;
  let nextId = 1;

  async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<ApiResponse<T>> {
    const id = nextId++;
    const auth = o.auth ?? true;
    // A network failure after the server wrote could repeat a write: retry those only when safe.
    const safeToResend = method === 'GET' || !!o.idempotencyKey;
    let attempt = 0;
    try {
      for (;;) {
        const wait = rateLimitedUntil - now();
        if (wait > 0) {
          if (o.onCooldown !== 'wait') throw new ApiError(429, 'RATE_LIMITED', messageFor('RATE_LIMITED', 429), Math.ceil(wait / 1000));
          await sleep(wait, o.signal);
        }
        const headers: Record<string, string> = { accept: 'application/json' };
        if (o.body !== undefined) headers['content-type'] = 'application/json';
        const token = auth ? d.getToken() : undefined;
        if (token) headers.authorization = `Bearer ${token}`;
        if (o.queueToken) headers['x-queue-token'] = o.queueToken;
        if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;

        let res: Response;
        try {
          res = await doFetch(`${d.base}${path}`, {
            method,
            headers,
            body: o.body === undefined ? undefined : JSON.stringify(o.body),
            signal: o.signal,
            credentials: 'omit',
            cache: 'no-store',
          });
        } catch (err) {
          if (o.signal?.aborted) throw err;
          if (!safeToResend || !canRetry(attempt, policy)) throw new ApiError(0, 'NETWORK', messageFor('NETWORK', 0));
          attempt++;
          await busyWait(id, attempt, undefined, 0, o.signal);
          continue;
        }
        const skew = clockSkewMs(res.headers.get('date'), now());
        if (skew !== 0) d.events.onClockSkew(skew);
        if (res.ok) {
          const data = res.status === 204 ? (undefined as T) : ((await res.json()) as T);
          return { data, status: res.status, headers: res.headers };
        }
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'), now());
        const problem = await readProblem(res);
        if (isRetryableStatus(res.status) && canRetry(attempt, policy)) {
          attempt++;
          await busyWait(id, attempt, retryAfter, res.status, o.signal);
          continue;
        }
        if (res.status === 429) {
          rateLimitedUntil = now() + (retryAfter ?? 1) * 1000;
          d.events.onRateLimited(rateLimitedUntil);
        }
        if (res.status === 401 && token && SESSION_ENDING_CODES.has(problem.code)) d.events.onSessionEnded(problem.code);
        throw new ApiError(res.status, problem.code, messageFor(problem.code, res.status, problem.detail), retryAfter, problem.errors);
      }
    } finally {
      if (attempt > 0) d.events.onBusy(id, undefined);
    }
  }

  async function busyWait(id: number, attempt: number, retryAfter: number | undefined, status: number, signal?: AbortSignal) {
    const ms = retryDelayMs(attempt, retryAfter, policy);
    d.events.onBusy(id, { retryAt: now() + ms, attempt, status });
    await sleep(ms, signal);
  }

  return {
    request,
    get: <T>(path: string, o?: RequestOptions) => request<T>('GET', path, o).then((r) => r.data),
    post: <T>(path: string, body?: unknown, o?: RequestOptions) => request<T>('POST', path, { ...o, body }).then((r) => r.data),
    /** Seconds until sending is allowed again after a 429 (0 = now). */
    cooldownSeconds: () => Math.max(0, Math.ceil((rateLimitedUntil - now()) / 1000)),
  };
}

async function readProblem(res: Response): Promise<{ code: string; detail?: string; errors: { path: string; message: string }[] }> {
  try {
    const body = (await res.json()) as { code?: unknown; detail?: unknown; errors?: unknown };
    return {
      code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      errors: Array.isArray(body.errors) ? (body.errors as { path: string; message: string }[]) : [],
    };
  } catch {
    return { code: `HTTP_${res.status}`, errors: [] };
  }
}

/** A fresh Idempotency-Key for one fan action (kept by the caller across its retries). */
export const newIdempotencyKey = (): string => crypto.randomUUID();
