import { createLogger, startTracing } from '@concert/service-kit';
import { readConfig } from './config';
import { start } from './start';

// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (see README "Traces").
startTracing('booking-service');
start(readConfig()).catch((err: unknown) => {
  createLogger('booking-service').fatal({ err }, 'booking-service failed to start');
  process.exit(1);
});
