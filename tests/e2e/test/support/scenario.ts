import { randomUUID } from 'node:crypto';
import { eventually, type Api, E2E_ADMIN as ADMIN } from '@concert/testing';

export interface OpenConcert {
  id: string;
  price: string;
  totalSeats: number;
}

/** Creates a concert as the admin, opens it for booking and sets a queue policy. */
export async function openConcert(
  api: Api,
  opts: { seats: number; price?: string; policy?: { admitPerSecond: number; maxActive: number; activeTtlSeconds: number } },
): Promise<OpenConcert> {
  const adminToken = await api.login(ADMIN.email, ADMIN.password);
  const now = Date.now();
  const created = await api.req<{ id: string; price: string; totalSeats: number }>('POST', '/admin/concerts', {
    token: adminToken,
    body: {
      title: `E2E ${randomUUID().slice(0, 8)}`,
      artist: 'Test Band',
      venue: 'Loopback Arena',
      concertDate: '2027-03-01',
      concertTime: '19:00:00',
      totalSeats: opts.seats,
      price: opts.price ?? '50000.00',
      bookingStartTime: new Date(now - 60_000).toISOString(),
      bookingEndTime: new Date(now + 3_600_000).toISOString(),
    },
  });
  if (created.status !== 201) throw new Error(`create concert ${created.status} ${JSON.stringify(created.body)}`);
  const opened = await api.req('PATCH', `/admin/concerts/${created.body.id}`, {
    token: adminToken,
    body: { status: 'BOOKING_OPEN' },
  });
  if (opened.status !== 200) throw new Error(`open concert ${opened.status} ${JSON.stringify(opened.body)}`);
  if (opts.policy) {
    const p = await api.req('PUT', `/admin/concerts/${created.body.id}/queue-policy`, { token: adminToken, body: opts.policy });
    if (p.status !== 200) throw new Error(`policy ${p.status} ${JSON.stringify(p.body)}`);
  }
  return created.body;
}

/** Takes a queue token and polls until ACTIVE; returns the queue token. */
export async function admitted(api: Api, token: string, concertId: string, timeoutMs = 30_000): Promise<string> {
  const issued = await api.req<{ queueToken: string; status: string }>('POST', `/concerts/${concertId}/queue/tokens`, { token });
  if (issued.status !== 201 && issued.status !== 200) throw new Error(`queue token ${issued.status} ${JSON.stringify(issued.body)}`);
  const queueToken = issued.body.queueToken;
  await eventually(
    async () => {
      const s = await api.req<{ status: string }>('GET', '/queue/status', { token, queueToken });
      if (s.body.status !== 'ACTIVE') throw new Error(`still ${s.body.status}`);
    },
    { timeoutMs, intervalMs: 200 },
  );
  return queueToken;
}
