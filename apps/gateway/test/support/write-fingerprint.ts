import pg from 'pg';

/**
 * What a request can write synchronously in Postgres, in one row: users, balances, the ledger,
 * payments, idempotency keys, concerts and their status, reservations. A refused request must
 * leave it unchanged. Left out on purpose: what consumers write later on their own (inbox,
 * outbox relay state, payment's reservation projection, a reservation's status on confirmation).
 */
const FINGERPRINT = `
select
  (select count(*) from payment.users) as users,
  (select coalesce(sum(balance), 0)::text from payment.users) as balances,
  (select count(*) from payment.balance_transactions) as ledger,
  (select count(*) from payment.payments) as payments,
  (select count(*) from payment.idempotency_keys) as idempotency_keys,
  (select md5(coalesce(string_agg(id::text || ':' || status::text, ',' order by id), '')) from booking.concerts) as concerts,
  (select count(*) from booking.reservations) as reservations`;

export async function writeFingerprint(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    read: async (): Promise<Record<string, string>> => (await client.query<Record<string, string>>(FINGERPRINT)).rows[0]!,
    close: () => client.end(),
  };
}
