import { startTracing } from '@concert/service-kit';
import { readConfig } from './config';
import { start } from './start';

// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (see README "Traces").
startTracing('payment-service');
start(readConfig()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
