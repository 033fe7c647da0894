import { loadConfig } from '@concert/service-kit';
import { GatewayConfig } from './config';
import { start } from './start';

start(loadConfig(GatewayConfig)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
