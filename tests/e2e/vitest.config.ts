import { defineConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// One platform (six processes) per file is all this 2-core machine carries: files run one by one.
export default defineConfig(
  projectConfig(__dirname, {
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    globalSetup: ['./global-setup.ts'],
  }),
);
