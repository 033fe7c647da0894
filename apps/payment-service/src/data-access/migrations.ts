import { findMigrationsFolder, runMigrations } from '@concert/db';
import { DB_SCHEMA } from './schema';

export async function migrate(url: string, configuredFolder?: string): Promise<void> {
  const migrationsFolder = findMigrationsFolder('payment-service', __dirname, configuredFolder);
  await runMigrations({ url, migrationsFolder, migrationsSchema: DB_SCHEMA });
}
