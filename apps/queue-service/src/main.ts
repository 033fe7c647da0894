import { loadConfig } from '@concert/service-kit';
import { QueueServiceConfig } from './config';
import { start } from './start';

start(loadConfig(QueueServiceConfig)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
