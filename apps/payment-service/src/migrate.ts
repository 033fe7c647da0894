import { readConfig } from './config';
import { migrate } from './data-access/migrations';

// `npx tsx apps/payment-service/src/migrate.ts`: apply migrations and exit.
const config = readConfig();
migrate(config.DATABASE_URL, config.MIGRATIONS_DIR)
  .then(() => console.log('payment-service migrations applied'))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
