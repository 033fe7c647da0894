import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/booking-service/src/data-access/schema.ts',
  out: './apps/booking-service/drizzle',
  schemaFilter: ['booking'],
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://booking_svc:booking_svc@127.0.0.1:5432/concert' },
});
