import { AppError, createInternalClient, UpstreamProblem, type Logger } from '@concert/service-kit';
import type { Counter } from 'prom-client';

export type UpstreamName = 'queue' | 'booking' | 'payment';

/**
 * An internal client whose failures are already in public shape: a callee's 4xx problem passes
 * through unchanged (as UpstreamProblem); anything else it does (5xx, garbage, timeout, refused
 * connection) becomes 503 UPSTREAM_UNAVAILABLE, never a 500 from the gateway.
 */
export function createUpstream(
  name: UpstreamName,
  baseUrl: string,
  token: string,
  timeoutMs: number,
  deps: { logger: Logger; errors: Counter<string> },
) {
  const client = createInternalClient(baseUrl, token, timeoutMs);
  async function guard<T>(op: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T }> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof UpstreamProblem) {
        const p = err.problem;
        // The gateway decides who is forbidden; FORBIDDEN from an internal route means our own
        // internal credential is wrong, which the user cannot fix.
        if (p.status < 500 && p.code !== 'FORBIDDEN') throw err;
        deps.errors.inc({ service: name, kind: `status_${p.status}` });
        deps.logger.error({ upstream: name, problem: p }, 'upstream failed');
        throw new AppError('UPSTREAM_UNAVAILABLE', `${name} service is unavailable`);
      }
      deps.errors.inc({ service: name, kind: err instanceof AppError ? 'unreachable' : 'bad_response' });
      deps.logger.warn({ upstream: name, err }, 'upstream call failed');
      throw new AppError('UPSTREAM_UNAVAILABLE', `${name} service is unavailable`);
    }
  }
  return {
    get: <T>(path: string, headers?: Record<string, string>) => guard(() => client.get<T>(path, headers)),
    post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => guard(() => client.post<T>(path, body, headers)),
    put: <T>(path: string, body?: unknown) => guard(() => client.put<T>(path, body)),
    patch: <T>(path: string, body?: unknown) => guard(() => client.patch<T>(path, body)),
    delete: <T>(path: string) => guard(() => client.delete<T>(path)),
    close: () => client.close(),
  };
}
export type Upstream = ReturnType<typeof createUpstream>;

/** True when the upstream answered with a 404 problem (used where "absent" is a normal answer). */
export const isNotFound = (err: unknown) => err instanceof UpstreamProblem && err.problem.status === 404;
