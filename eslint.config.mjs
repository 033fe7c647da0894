import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The layer rule inside every service (issue 10): entry-points (http, messaging, scheduler/jobs)
// -> use-cases -> domain, and use-cases -> data-access. The domain is pure: no I/O, no
// service-kit, no other layer; entry-points never reach past the use cases into data-access.
// tools/test/layer-rule.test.ts plants a violation of each kind and expects lint to fail.
const IO_MODULES = ['ioredis', 'pg', 'kafkajs', 'bullmq', 'express', 'undici', 'jose', 'pino', 'prom-client', 'rate-limiter-flexible', 'drizzle-orm', 'drizzle-orm/*', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process', 'dgram', 'node:dgram'];
const restrict = (groups, message) => ({ group: groups, message });
const layer = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
const layerRules = [
  layer(
    ['apps/*/src/domain/**/*.ts'],
    restrict(['**/data-access', '**/data-access/**', '**/use-cases', '**/use-cases/**', '**/entry-points/**'], 'domain is pure: it imports only domain files and @concert/contracts'),
    restrict(['@concert/service-kit', '@concert/service-kit/*', '@concert/db', '@concert/db/*', '@concert/messaging', '@concert/messaging/*'], 'domain does no I/O and knows no HTTP: throw DomainError (contracts)'),
    restrict(IO_MODULES, 'domain does no I/O: let a use case pass the data in'),
  ),
  layer(
    ['apps/*/src/use-cases/**/*.ts'],
    restrict(['**/entry-points/**', '**/app', '**/start'], 'use cases are called by entry-points, never the other way round'),
  ),
  layer(
    ['apps/*/src/data-access/**/*.ts'],
    restrict(['**/use-cases', '**/use-cases/**', '**/entry-points/**', '**/app', '**/start'], 'data-access serves use cases; it does not call them'),
  ),
  layer(
    ['apps/*/src/entry-points/**/*.ts'],
    restrict(['**/data-access', '**/data-access/**'], 'entry-points parse, call one use case and answer: data-access only through a use case'),
  ),
];

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/drizzle/**', 'infra/**', 'tmp/**', '**/vitest.config.ts', '**/drizzle.config.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Why: each service must be deployable and scalable on its own, so apps never import each
      // other and contracts stay pure; shared code goes to libs/ with an explicit tag.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:queue', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:booking', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:payment', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] }
          ]
        }
      ]
    }
  },
  ...layerRules
];
