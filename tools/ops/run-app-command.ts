import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The checkout or image root: the nearest directory with package.json above this file. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/**
 * Runs a service's own one-shot command (apps may not be imported from tools): the bundle
 * `dist/apps/<app>/<name>.js` inside an image, else the source through tsx in a checkout.
 */
export function runAppCommand(app: string, name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const root = projectRoot();
  const bundle = resolve(root, `dist/apps/${app}/${name}.js`);
  const sources = [resolve(root, `apps/${app}/src/cli/${name}.ts`), resolve(root, `apps/${app}/src/${name}.ts`)];
  const source = sources.find((s) => existsSync(s));
  const argv = source ? ['--import', 'tsx', source, ...args] : [bundle, ...args];
  if (!source && !existsSync(bundle)) return Promise.reject(new Error(`${app} has no command ${name} (looked for ${[...sources, bundle].join(', ')})`));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolvePromise() : reject(new Error(`${app} ${name} exited with ${signal ?? code}`)),
    );
  });
}
