import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Request-scoped context; the request id travels to Kafka headers and consumer logs. */
export interface RequestContext {
  requestId: string;
  /** Epoch ms (this process's clock) after which nobody waits for the answer (deadline.ts). */
  deadline?: number;
  /** Aborted when the caller went away: work for this request should stop. */
  signal?: AbortSignal;
  /** The caller went away (HTTP requests answer this without making a signal; see request-scope.ts). */
  readonly callerGone?: boolean;
}
export const requestContext = new AsyncLocalStorage<RequestContext>();
export const currentRequestId = () => requestContext.getStore()?.requestId;

/** JSON lines on stdout, or on `destination` (tests read them back). */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: ['req.headers.authorization', 'req.headers["x-internal-token"]', '*.password', 'password'],
  };
  return destination ? pino(options, destination) : pino(options);
}
