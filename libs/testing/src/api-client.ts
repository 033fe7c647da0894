import { randomUUID } from 'node:crypto';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin client for the public API, the only door the end-to-end tests use. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async req<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { token?: string; queueToken?: string; body?: unknown; idempotencyKey?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.queueToken) headers['x-queue-token'] = opts.queueToken;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
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
