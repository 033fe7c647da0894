// Bundles one app into dist/apps/<name>/main.js. Libraries are inlined through the tsconfig
// path aliases; npm packages stay external so native/optional deps resolve at run time.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const name = process.argv[2];
if (!name) throw new Error('usage: node tools/build-app.mjs <app-name>');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];

await build({
  entryPoints: [`apps/${name}/src/main.ts`],
  outfile: `dist/apps/${name}/main.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  external,
  logLevel: 'warning',
});
console.log(`built dist/apps/${name}/main.js`);
