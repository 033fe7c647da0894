import { findMigrationsFolder, runMigrations } from '@concert/db';
import type { BookingConfig } from '../config';

export async function migrate(config: Pick<BookingConfig, 'DATABASE_URL' | 'MIGRATIONS_DIR'>): Promise<void> {
  const migrationsFolder = findMigrationsFolder('booking-service', __dirname, config.MIGRATIONS_DIR);
  await runMigrations({ url: config.DATABASE_URL, migrationsFolder, migrationsSchema: 'booking' });
}
