import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rule of eslint.config.mjs, proven on planted violations: each would fail `npm test`
// (lint runs first), and the same imports in their proper layer pass.
const eslint = new ESLint({ cwd: resolve(__dirname, '../..') });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(__dirname, '../..', file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const APPS = ['booking-service', 'payment-service', 'queue-service', 'gateway'];

describe('layer rule (eslint no-restricted-imports)', () => {
  it.each(APPS)('%s: the domain imports no I/O, no service-kit and no other layer', async (app) => {
    const file = `apps/${app}/src/domain/planted.ts`;
    expect(await restricted(file, `import { AppError } from '@concert/service-kit';\nexport const e = AppError;\n`)).toHaveLength(1);
    expect(await restricted(file, `import { Redis } from 'ioredis';\nexport const r = Redis;\n`)).toHaveLength(1);
    expect(await restricted(file, `import { withTransaction } from '@concert/db';\nexport const t = withTransaction;\n`)).toHaveLength(1);
    expect(await restricted(file, `import * as repo from '../data-access/x.repository';\nexport const r = repo;\n`)).toHaveLength(1);
    expect(await restricted(file, `import * as uc from '../use-cases/x';\nexport const u = uc;\n`)).toHaveLength(1);
    expect(await restricted(file, `import { DomainError } from '@concert/contracts';\nimport { y } from './y';\nexport const e = [DomainError, y];\n`)).toEqual([]);
  });

  it.each(APPS)('%s: entry-points reach data-access only through a use case', async (app) => {
    const file = `apps/${app}/src/entry-points/http/planted.routes.ts`;
    expect(await restricted(file, `import { findThing } from '../../data-access/things.repository';\nexport const f = findThing;\n`)).toHaveLength(1);
    expect(await restricted(file, `import type { Thing } from '../../data-access/schema';\nexport type T = Thing;\n`)).toHaveLength(1);
    expect(await restricted(file, `import { doThing } from '../../use-cases/things';\nexport const f = doThing;\n`)).toEqual([]);
  });

  it.each(APPS)('%s: use cases and data-access never call back up', async (app) => {
    const uc = `apps/${app}/src/use-cases/planted.ts`;
    expect(await restricted(uc, `import { r } from '../entry-points/http/things.routes';\nexport const x = r;\n`)).toHaveLength(1);
    expect(await restricted(uc, `import { findThing } from '../data-access/things.repository';\nimport { rule } from '../domain/thing';\nexport const x = [findThing, rule];\n`)).toEqual([]);
    const da = `apps/${app}/src/data-access/planted.repository.ts`;
    expect(await restricted(da, `import { doThing } from '../use-cases/things';\nexport const x = doThing;\n`)).toHaveLength(1);
  });
});

// The rule matches files by layer folder: code outside the four layers would escape it. Only the
// composition root (wiring, config, metrics registries, migrations) and payment's operator CLI sit
// beside them.
const LAYERS = new Set(['domain', 'use-cases', 'data-access', 'entry-points']);
const ROOT_DIRS: Record<string, string[]> = { 'payment-service': ['cli'] };
const ROOT_FILES = new Set(['app.ts', 'start.ts', 'main.ts', 'config.ts', 'metrics.ts', 'queue-metrics.ts', 'migrate.ts']);

describe('layer rule coverage', () => {
  it.each(APPS)('%s: every source file is in a layer or the composition root', (app) => {
    const src = resolve(__dirname, '../../apps', app, 'src');
    const outside = readdirSync(src, { withFileTypes: true })
      .filter((e) => (e.isDirectory() ? !LAYERS.has(e.name) && !(ROOT_DIRS[app] ?? []).includes(e.name) : !ROOT_FILES.has(e.name)))
      .map((e) => e.name);
    expect(outside).toEqual([]);
  });
});
