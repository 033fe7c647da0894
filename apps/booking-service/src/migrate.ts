import { createLogger } from '@concert/service-kit';
import { readConfig } from './config';
import { migrate } from './data-access/migrations';

// `npx tsx apps/booking-service/src/migrate.ts`: apply migrations and exit.
const logger = createLogger('booking-service-migrate');
migrate(readConfig())
  .then(() => logger.info('migrations applied'))
  .catch((err: unknown) => {
    logger.error({ err }, 'migrations failed');
    process.exitCode = 1;
  });
