import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from './logger';
import { stopTracing } from './tracing';

type Closer = () => Promise<unknown> | unknown;

/**
 * Starts the HTTP server and registers graceful shutdown: stop accepting, let in-flight
 * requests finish, then close consumers, relays and pools in the order given.
 */
export async function serve(opts: {
  app: Express;
  /** Where to listen and how long a graceful shutdown may take: every service's config has these. */
  config: { PORT: number; HOST?: string; SHUTDOWN_TIMEOUT_MS?: number };
  logger: Logger;
  closers: Closer[];
}): Promise<Served> {
  const { app, logger, closers } = opts;
  const { PORT: port, HOST: host = '127.0.0.1', SHUTDOWN_TIMEOUT_MS: shutdownTimeoutMs = 10_000 } = opts.config;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  logger.info({ port, host }, 'listening');

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    closing ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error('shutdown timed out; exiting');
        process.exit(1);
      }, shutdownTimeoutMs);
      timer.unref();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A client still sending a body we already answered keeps its socket open; in-flight
        // requests get a grace second, then the remaining connections are cut.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      for (const close of closers) {
        try {
          await close();
        } catch (err) {
          logger.warn({ err }, 'error while closing');
        }
      }
      // Last: spans of the shutdown itself are exported too (a no-op without tracing).
      await stopTracing();
      clearTimeout(timer);
      logger.info('stopped');
    })();
    return closing;
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void shutdown(sig).then(() => process.exit(0)));
  }
  const bound = (server.address() as AddressInfo).port;
  return { server, shutdown, port: bound, url: `http://${host}:${bound}`, stop: () => shutdown('stop() called') };
}

/** A listening service: its port (the real one when PORT was 0) and a graceful stop. */
export interface Served {
  server: Server;
  shutdown: (reason: string) => Promise<void>;
  port: number;
  url: string;
  stop: () => Promise<void>;
}

/**
 * Runs `task` every `intervalMs` in the background (retention cleanups): a failure is reported,
 * never thrown, and the timer does not keep the process alive. Replicas may overlap.
 */
export function every(intervalMs: number, task: () => Promise<unknown>, onError: (err: unknown) => void): { stop(): void } {
  const timer = setInterval(() => {
    task().catch(onError);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * For a part of the service that cannot go on by itself (a consumer that gave up): shut down
 * gracefully, then exit non-zero so the supervisor restarts the process. A process must never
 * stay alive and idle, looking healthy to everything but its readiness probe.
 */
export function exitNonZero(shutdown: () => Promise<unknown> | undefined): void {
  void Promise.resolve()
    .then(shutdown)
    .catch(() => undefined)
    .finally(() => process.exit(1));
}
