import { defineConfig } from 'drizzle-kit';

// Run from libs/db (its tsconfig.json extends the base one, which is how drizzle-kit finds the
// @concert/* paths). OUT_DIR is set by test/drizzle-kit.test.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './test/drizzle-kit-trial/schema.ts',
  out: process.env.OUT_DIR ?? '../../tmp/drizzle-kit-trial',
});
