import { loadConfig, startTracing } from '@concert/service-kit';
import { QueueServiceConfig } from './config';
import { start } from './start';

// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (see README "Traces").
startTracing('queue-service');
start(loadConfig(QueueServiceConfig)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
