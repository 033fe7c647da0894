import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '@concert/testing';

// Ownership is enforced by the database, not by convention: each service role reaches only its
// own schema (infra/postgres/bootstrap.sql). These run against the bootstrapped test database.
const asRole = async (role: string) => {
  const url = new URL(await testDatabaseUrl());
  url.username = role;
  url.password = role;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
};
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('schema ownership', () => {
  let booking: pg.Client;
  let payment: pg.Client;
  beforeAll(async () => {
    booking = await asRole('booking_svc');
    payment = await asRole('payment_svc');
  });
  afterAll(async () => {
    await booking?.end();
    await payment?.end();
  });

  it('booking_svc cannot read payment.users, nor payment_svc booking.reservations', async () => {
    expect(await codeOf(booking.query('select 1 from payment.users limit 1'))).toBe('42501');
    expect(await codeOf(payment.query('select 1 from booking.reservations limit 1'))).toBe('42501');
  });

  it('each role can create in its own schema and nowhere else', async () => {
    const t = `own_${Date.now()}`;
    expect(await codeOf(booking.query(`create table booking.${t} (id int)`))).toBe('ok');
    await booking.query(`drop table booking.${t}`);
    expect(await codeOf(booking.query(`create table payment.${t} (id int)`))).toBe('42501');
    expect(await codeOf(booking.query(`create table public.${t} (id int)`))).toBe('42501');
    expect(await codeOf(booking.query(`create schema ${t}`))).toBe('42501');
  });
});
