import type { Concert } from '@concert/contracts';

const DEMO_TITLE = 'Demo Night: Fifty Seats';

async function call<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${body}`);
  return (body ? JSON.parse(body) : undefined) as T;
}

/** Idempotent: logs in as the configured admin and creates the demo concert once, open for booking. */
export async function seedDemo(gatewayUrl: string, admin: { email: string; password: string }): Promise<Concert> {
  const { accessToken } = await call<{ accessToken: string }>(`${gatewayUrl}/auth/login`, {
    method: 'POST',
    body: JSON.stringify(admin),
  });
  const { items } = await call<{ items: Concert[] }>(`${gatewayUrl}/concerts`);
  const existing = items.find((c) => c.title === DEMO_TITLE && c.status !== 'CANCELLED');
  if (existing) return existing;

  const now = Date.now();
  const day = 86_400_000;
  const created = await call<Concert>(`${gatewayUrl}/admin/concerts`, {
    method: 'POST',
    token: accessToken,
    body: JSON.stringify({
      title: DEMO_TITLE,
      artist: 'The Idempotents',
      venue: 'Loopback Hall, Seoul',
      concertDate: new Date(now + 30 * day).toISOString().slice(0, 10),
      concertTime: '19:30:00',
      totalSeats: 50,
      price: '120000.00',
      bookingStartTime: new Date(now - 60_000).toISOString(),
      bookingEndTime: new Date(now + 14 * day).toISOString(),
    }),
  });
  return call<Concert>(`${gatewayUrl}/admin/concerts/${created.id}`, {
    method: 'PATCH',
    token: accessToken,
    body: JSON.stringify({ status: 'BOOKING_OPEN' }),
  });
}
