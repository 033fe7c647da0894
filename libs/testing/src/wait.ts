import { Socket, createServer, type AddressInfo } from 'node:net';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Re-runs `fn` until it stops throwing (assertions included) or the timeout passes. */
export async function eventually<T>(fn: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(opts.intervalMs ?? 50);
    }
  }
}

/** Waits until `predicate` returns true. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  opts: EventuallyOptions & { message?: string } = {},
): Promise<void> {
  await eventually(async () => {
    if (!(await predicate())) throw new Error(opts.message ?? 'waitFor: condition not met in time');
  }, opts);
}

export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

export async function waitForPort(host: string, port: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(() => isPortOpen(host, port), {
    timeoutMs,
    intervalMs: 500,
    message: `nothing listens on ${host}:${port}`,
  });
}

/** A port nothing listens on right now (taken, then released): for a service to bind, or to stand in for a dead one. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
