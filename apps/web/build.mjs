// Bundles the web app into dist/apps/web: one hashed JS and one hashed CSS file, and index.html
// pointing at them. esbuild (already the services' bundler) does it in well under a second, so the
// app needs no second toolchain such as Vite.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = resolve(root, 'dist/apps/web');
rmSync(out, { recursive: true, force: true });
mkdirSync(resolve(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [resolve(here, 'src/main.tsx')],
  outdir: resolve(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: resolve(here, 'tsconfig.json'),
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`web build: missing outputs in ${outputs.join(', ')}`);
const html = readFileSync(resolve(here, 'src/index.html'), 'utf8')
  .replace('%APP_JS%', `/assets/${js}`)
  .replace('%APP_CSS%', `/assets/${css}`);
writeFileSync(resolve(out, 'index.html'), html);
const size = (f) => readFileSync(resolve(out, 'assets', f)).length;
console.log(`built dist/apps/web (${js} ${(size(js) / 1024).toFixed(1)} KiB, ${css} ${(size(css) / 1024).toFixed(1)} KiB)`);
