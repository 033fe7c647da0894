import { createLogger } from '@concert/service-kit';
import { readConfig } from './config';
import { start } from './start';

start(readConfig()).catch((err: unknown) => {
  createLogger('booking-service').fatal({ err }, 'booking-service failed to start');
  process.exit(1);
});
