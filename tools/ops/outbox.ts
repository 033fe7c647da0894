import pg from 'pg';
import { createPool, redriveDead } from '@concert/db';

export const OUTBOX_SCHEMAS = ['booking', 'payment'] as const;

export interface OutboxStatusRow {
  schema: string;
  status: string;
  rows: number;
  oldest: string | null;
}

/** Rows per status and the oldest unsent row of each service's outbox. */
export async function outboxStatus(url: string): Promise<OutboxStatusRow[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'ops-outbox' });
  await client.connect();
  try {
    const out: OutboxStatusRow[] = [];
    for (const schema of OUTBOX_SCHEMAS) {
      const { rows } = await client.query<{ status: string; rows: string; oldest: Date | null }>(
        `SELECT status, count(*) AS rows, min(created_at) AS oldest FROM "${schema}".outbox GROUP BY status ORDER BY status`,
      );
      for (const r of rows) out.push({ schema, status: r.status, rows: Number(r.rows), oldest: r.oldest?.toISOString() ?? null });
    }
    return out;
  } finally {
    await client.end();
  }
}

/** DEAD rows of one outbox (all, or the given ids) back to PENDING; the relay is woken at once. */
export async function outboxRedrive(url: string, schema: string, ids?: string[]): Promise<number> {
  if (!(OUTBOX_SCHEMAS as readonly string[]).includes(schema)) throw new Error(`--schema must be one of ${OUTBOX_SCHEMAS.join(', ')}`);
  const pool = createPool(url, { max: 1, applicationName: 'ops-redrive' });
  try {
    return await redriveDead(pool, schema, ids);
  } finally {
    await pool.end();
  }
}
