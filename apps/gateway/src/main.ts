import { loadConfig, startTracing } from '@concert/service-kit';
import { GatewayConfig } from './config';
import { start } from './start';

// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (see README "Traces").
startTracing('gateway');
start(loadConfig(GatewayConfig)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
