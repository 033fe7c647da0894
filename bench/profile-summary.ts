/**
 * Where a service spent its CPU: reads the .cpuprofile files that `SERVICE_NODE_ARGS='--cpu-prof
 * --cpu-prof-dir=tmp/prof' npm run bench` leaves behind and prints, per profile, self time by
 * package (our code, express, pg, ioredis, …) and the hottest functions.
 *
 *   npx tsx bench/profile-summary.ts tmp/prof [--top 25]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const dir = positionals[0] ?? 'tmp/prof';
const TOP = Number(values.top);

/** Which package a frame belongs to: the node_modules package, node's own internals, or ours. */
function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return 'ours';
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byPkg = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const pkg = packageOf(url, functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/(node_modules|dist|apps|libs)\//, '$1/')}:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'} ${where}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const idle = (byPkg.get('(idle)') ?? 0) / 1000;
  const busy = (total / 1000 - idle) / 1000;
  console.log(`\n== ${file}: ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s wall, ${busy.toFixed(1)} s on CPU`);
  const pct = (us: number) => `${((us / (total - idle * 1000)) * 100).toFixed(1)}%`.padStart(6);
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([k]) => k !== '(idle)' && !k.startsWith('(idle) '))
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP);
  console.log('-- self time by package (share of CPU time)');
  for (const [k, us] of rows(byPkg)) console.log(`${pct(us)}  ${k}`);
  console.log('-- hottest functions');
  for (const [k, us] of rows(byFn)) console.log(`${pct(us)}  ${k}`);
}
