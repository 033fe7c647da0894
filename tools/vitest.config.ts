import { defineConfig } from 'vitest/config';
import { projectConfig } from '../vitest.shared';

export default defineConfig(projectConfig(__dirname, { include: ['test/**/*.test.ts'], testTimeout: 120_000 }));
