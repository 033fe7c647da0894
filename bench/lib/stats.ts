import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StepResult {
  step: string;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] as number;
}

export function summarize(step: string, latenciesMs: number[], errors: number, seconds: number): StepResult {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    step,
    requests: latenciesMs.length + errors,
    errors,
    seconds: round(seconds),
    // A row of derived latencies (seconds = 0) has no rate of its own.
    rps: seconds > 0 ? Math.round((latenciesMs.length + errors) / seconds) : 0,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? 0),
  };
}

/** Runs `n` tasks with at most `concurrency` in flight; returns latencies of successes and the error count. */
export async function measure(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<boolean>,
): Promise<{ latencies: number[]; errors: number; seconds: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t0 = performance.now();
        let ok = false;
        try {
          ok = await task(i);
        } catch {
          ok = false;
        }
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

export function printTable(title: string, rows: StepResult[]): void {
  console.log(`\n${title}`);
  console.table(
    rows.map((r) => ({
      step: r.step,
      requests: r.requests,
      errors: r.errors,
      'req/s': r.rps,
      'p50 ms': r.p50,
      'p95 ms': r.p95,
      'p99 ms': r.p99,
      'max ms': r.max,
    })),
  );
}

export function saveJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`saved ${path}`);
}

/** A step's req/s as a share of the bare baseline's req/s in the same run (3 decimals). */
export function ratioTo(baselineRps: number, row: StepResult): number | undefined {
  return baselineRps > 0 && row.rps > 0 ? Math.round((row.rps / baselineRps) * 1000) / 1000 : undefined;
}

const fmt = (n: number | undefined, unit = '') => (n === undefined ? '–' : `${n.toLocaleString('en-US')}${unit}`);

/** The table as GitHub markdown, ready for the README. */
export function markdownTable(rows: (StepResult & { ratio?: number })[]): string {
  const head = '| step | requests | errors | req/s | × bare | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.step} | ${fmt(r.requests)} | ${fmt(r.errors)} | ${r.rps > 0 ? fmt(r.rps) : '–'} | ${r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} |`,
  );
  return [head, ...body].join('\n');
}
