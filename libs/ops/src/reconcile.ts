import pg from 'pg';
import { CHECKS } from './checks';

export interface Violation {
  check: string;
  count: number;
  sample: Record<string, unknown>[];
}

export interface ReconcileReport {
  database: string;
  checkedAt: string;
  counts: Record<string, number>;
  violations: Violation[];
}

export interface ReconcileOptions {
  /** Database name on the operator URL; default concert. */
  database?: string;
  /** Operator connection (must read both schemas); default the local superuser. */
  url?: string;
  /** Events are asynchronous: keep re-checking until clean or this long has passed. */
  settleMs?: number;
}

/** Checks every cross-service invariant; an empty `violations` list means the books balance. */
export async function reconcile(opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const database = opts.database ?? 'concert';
  const url = opts.url ?? process.env.RECONCILE_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${database}`;
  const client = new pg.Client({ connectionString: url, application_name: 'reconcile' });
  await client.connect();
  try {
    const deadline = Date.now() + (opts.settleMs ?? 0);
    for (;;) {
      const report = await runOnce(client, database);
      if (report.violations.length === 0 || Date.now() >= deadline) return report;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await client.end();
  }
}

async function runOnce(client: pg.Client, database: string): Promise<ReconcileReport> {
  const counts = await client.query<{ users: number; payments: number; reservations: number; ledger_rows: number }>(`
    select (select count(*)::int from payment.users) as users,
           (select count(*)::int from payment.payments) as payments,
           (select count(*)::int from booking.reservations) as reservations,
           (select count(*)::int from payment.balance_transactions) as ledger_rows`);
  const violations: Violation[] = [];
  for (const [check, sql] of Object.entries(CHECKS)) {
    const { rows } = await client.query(sql);
    if (rows.length > 0) violations.push({ check, count: rows.length, sample: rows.slice(0, 5) });
  }
  return { database, checkedAt: new Date().toISOString(), counts: counts.rows[0] ?? {}, violations };
}
