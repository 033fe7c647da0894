import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/payment-service/src/data-access/schema.ts',
  out: './apps/payment-service/drizzle',
  schemaFilter: ['payment'],
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://payment_svc:payment_svc@127.0.0.1:5432/concert' },
});
