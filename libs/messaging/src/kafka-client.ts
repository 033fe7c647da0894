import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';

/** Opaque handle: callers pass it to our factories and never touch kafkajs themselves. */
export type KafkaClient = Kafka;

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger?: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
}

export function createKafka(opts: KafkaClientOptions): KafkaClient {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? 3000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: opts.retry ?? { initialRetryTime: 100, retries: 5, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    ...(opts.logger ? { logCreator: pinoLogCreator(opts.logger) } : {}),
  });
}

function pinoLogCreator(logger: Logger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const fields = { namespace, ...extra };
      if (level === logLevel.ERROR) child.error(fields, message);
      else if (level === logLevel.WARN) child.warn(fields, message);
      else child.debug(fields, message);
    };
}

/** "host:port,host:port" → list; Node may resolve localhost to ::1 first, so the default is 127.0.0.1. */
export function parseBrokers(csv: string | undefined, fallback = '127.0.0.1:9092'): string[] {
  return (csv && csv.trim() !== '' ? csv : fallback)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}
