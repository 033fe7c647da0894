import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './service-config';

/** Metrics of a Kafka exporter, not of our code. */
const EXTERNAL_METRICS = new Set(['kafka_consumergroup_lag']);
const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'avg', 'by', 'on', 'and', 'or', 'rate', 'increase', 'deriv', 'histogram_quantile', 'le', 'status', 'kind', 'schema', 'topic', 'service', 'concert', 'result', 'reason', 'consumergroup']);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'test') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}
/** Every snake_case string literal of the services' and libs' code: metric names are among them. */
const code = [...sources(resolve(ROOT, 'apps')), ...sources(resolve(ROOT, 'libs'))].map((f) => readFileSync(f, 'utf8')).join('\n');
const exposed = new Set([...code.matchAll(/'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'/g)].map((m) => m[1]!));

/** Being added in parallel work (outbox DEAD-row gauge, admission shedding); drop once in the code. */
const PENDING_METRICS = new Set(['outbox_dead_rows', 'admission_shed_total'].filter((m) => !exposed.has(m)));

/** Metric names in a PromQL expression (histogram series map to their base name). */
function metricsIn(expr: string): string[] {
  const noStrings = expr.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '');
  return [...noStrings.matchAll(/\b([a-z_][a-z0-9_]*)\b/g)]
    .map((m) => m[1]!)
    .filter((w) => !PROMQL_WORDS.has(w) && w.includes('_'))
    .map((w) => w.replace(/_(bucket|count|sum)$/, ''));
}

const rules = parse(readFileSync(resolve(ROOT, 'deploy/observability/alerts.yaml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
const dashboard = JSON.parse(readFileSync(resolve(ROOT, 'deploy/observability/grafana-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };

describe('deploy/observability', () => {
  it('the code exposes the metrics the checks rely on', () => {
    for (const m of ['http_request_duration_seconds', 'outbox_pending', 'outbox_oldest_pending_age_seconds', 'dead_lettered_total', 'queue_waiting', 'queue_admitted_total']) {
      expect(exposed, m).toContain(m);
    }
  });

  it('every alert names only metrics the code exposes', () => {
    const alerts = rules.groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(['OutboxLagHigh', 'OutboxDeadRows', 'DeadLetteredMessages', 'ConsumerLagHigh', 'Http5xxRate', 'ShedRateHigh', 'QueueNotAdmitting']));
    for (const a of alerts) for (const m of metricsIn(a.expr)) if (!EXTERNAL_METRICS.has(m) && !PENDING_METRICS.has(m)) expect(exposed, `${a.alert}: ${m}`).toContain(m);
  });

  it('every dashboard panel queries only metrics the code exposes', () => {
    const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(targets.length).toBeGreaterThan(10);
    for (const t of targets) for (const m of metricsIn(t.expr)) if (!EXTERNAL_METRICS.has(m) && !PENDING_METRICS.has(m)) expect(exposed, `${t.panel}: ${m}`).toContain(m);
  });
});
