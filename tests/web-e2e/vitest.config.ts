import { defineConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// One platform and one headless Chromium for the file; steps run in order and share the pages.
export default defineConfig(
  projectConfig(__dirname, {
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['./global-setup.ts'],
  }),
);
