import http from 'node:http';

/**
 * A lean keep-alive JSON client for load: node's fetch costs noticeably more CPU per request,
 * and on a 2-core machine the load generator competes with the services it measures.
 */
export function createLoadClient(baseUrl: string, maxSockets = 256) {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return function request<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...opts.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: base.hostname, port: base.port, path: `${base.pathname.replace(/\/$/, '')}${path}`, method, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T });
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      if (payload) req.write(payload);
      req.end();
    });
  };
}
export type LoadClient = ReturnType<typeof createLoadClient>;
