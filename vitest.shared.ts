import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { UserConfig } from 'vitest/config';

// Why: vitest does not read tsconfig "paths"; derive aliases from the one source of truth.
const base = JSON.parse(readFileSync(resolve(__dirname, 'tsconfig.base.json'), 'utf8'));
const paths: Record<string, string[]> = base.compilerOptions.paths;
// Longest name first: vite takes the first alias that prefixes an import, so @concert/testing/pact must beat @concert/testing.
export const alias = Object.fromEntries(
  Object.entries(paths)
    .sort(([a], [b]) => b.length - a.length)
    .map(([name, [target]]) => [name, resolve(__dirname, target as string)]),
);

export function projectConfig(root: string, overrides: Partial<NonNullable<UserConfig['test']>> = {}): UserConfig {
  return {
    root,
    resolve: { alias },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // The JSON report feeds tools/test-summary.mjs, which prints one "N passed, N failed" line for CI.
      reporters: ['default', 'json'],
      outputFile: { json: resolve(__dirname, 'tmp/test-results', `${basename(root)}.json`) },
      ...overrides,
    },
  };
}
