// Bundles one app into dist/apps/<name>/main.js, plus its one-shot commands (src/migrate.ts,
// src/cli/*.ts → dist/apps/<name>/<command>.js) so an image without sources can run them.
// Libraries are inlined through the tsconfig path aliases; npm packages stay external so
// native/optional deps resolve at run time.
// `node tools/build-app.mjs --entry tools/ops/main.ts --out dist/tools/ops.js` bundles one tool.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { entry: { type: 'string' }, out: { type: 'string' } } });
const name = positionals[0];
if (!name && !(values.entry && values.out)) throw new Error('usage: node tools/build-app.mjs <app-name> | --entry <file.ts> --out <file.js>');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];

const cliDir = `apps/${name}/src/cli`;
const entryPoints = values.entry
  ? [{ in: values.entry, out: values.out.replace(/\.js$/, '') }]
  : [
      { in: `apps/${name}/src/main.ts`, out: `dist/apps/${name}/main` },
      ...(existsSync(`apps/${name}/src/migrate.ts`) ? [{ in: `apps/${name}/src/migrate.ts`, out: `dist/apps/${name}/migrate` }] : []),
      ...(existsSync(cliDir) ? readdirSync(cliDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')) : []).map((f) => ({
        in: `${cliDir}/${f}`,
        out: `dist/apps/${name}/${f.replace(/\.ts$/, '')}`,
      })),
    ];

await build({
  entryPoints,
  outdir: '.',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  external,
  logLevel: 'warning',
});
console.log(`built ${entryPoints.map((e) => `${e.out}.js`).join(', ')}`);
