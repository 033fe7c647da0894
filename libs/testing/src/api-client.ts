import { randomUUID } from 'node:crypto';
import { Agent, fetch as poolFetch } from 'undici';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  queueToken?: string;
  body?: unknown;
  idempotencyKey?: string;
  /** Answers of 429/503 with Retry-After are retried after it, as a real client does (default true). */
  honourRetryAfter?: boolean;
}

/** How long (ms) to wait before retrying: Retry-After, spread by up to +50% so refused clients do not return in one wave. */
export function retryDelayMs(res: { status: number; headers: Headers }): number | undefined {
  if (res.status !== 503 && res.status !== 429) return undefined;
  const ra = Number(res.headers.get('retry-after'));
  if (!Number.isFinite(ra) || ra <= 0) return undefined;
  return ra * 1000 * (1 + Math.random() / 2);
}

/** A thin client for the public API, the only door the end-to-end tests use. */
export class Api {
  /** At most this many tries of one request that keeps being refused with Retry-After. */
  static MAX_TRIES = 12;
  /** Every 429 and 5xx answer seen, for tests that check how refusals looked. */
  readonly refusals: { path: string; status: number; code?: string; retryAfter: string | null }[] = [];

  /** With maxConnections, requests share that many keep-alive sockets and queue in the client beyond them. */
  private readonly pool: Agent | undefined;

  constructor(
    readonly baseUrl: string,
    opts: { maxConnections?: number } = {},
  ) {
    this.pool = opts.maxConnections ? new Agent({ connections: opts.maxConnections }) : undefined;
  }

  async req<T = Record<string, unknown>>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    for (let tries = 1; ; tries++) {
      const res = await this.once<T>(method, path, opts);
      if (res.status >= 500 || res.status === 429)
        this.refusals.push({ path, status: res.status, code: (res.body as { code?: string }).code, retryAfter: res.headers.get('retry-after') });
      const wait = opts.honourRetryAfter === false || tries >= Api.MAX_TRIES ? undefined : retryDelayMs(res);
      if (wait === undefined) return res;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private async once<T>(method: string, path: string, opts: RequestOptions): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.queueToken) headers['x-queue-token'] = opts.queueToken;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const init = { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) };
    const res = this.pool
      ? await poolFetch(`${this.baseUrl}${path}`, { ...init, dispatcher: this.pool })
      : await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers as Headers };
  }

  /** Signs up a fresh user and logs in; returns the user id and access token. */
  async newUser(prefix = 'fan'): Promise<{ id: string; email: string; token: string }> {
    const email = `${prefix}-${randomUUID()}@e2e.test`;
    const password = 'correct-horse-battery';
    const signup = await this.req<{ user: { id: string } }>('POST', '/auth/signup', {
      body: { email, name: prefix, password },
    });
    if (signup.status !== 201) throw new Error(`signup ${signup.status} ${JSON.stringify(signup.body)}`);
    const token = await this.login(email, password);
    return { id: signup.body.user.id, email, token };
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.req<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`login ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  async charge(token: string, amount: string): Promise<void> {
    const res = await this.req('POST', '/me/balance/charge', { token, body: { amount }, idempotencyKey: randomUUID() });
    if (res.status !== 200) throw new Error(`charge ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export const E2E_ADMIN = { email: 'admin@e2e.test', password: 'admin-password-e2e' };
