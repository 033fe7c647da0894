import { defineConfig } from 'vitest/config';
import { projectConfig } from '../../../vitest.shared';

// Contract tests only: consumer pacts (written to contracts/pacts) and, for providers, their verification.
export default defineConfig(projectConfig(__dirname, { include: ['*.pact.test.ts'], fileParallelism: false, reporters: ['default'] }));
