import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { eventually } from '@concert/testing';
import { call } from './gateway';

/** The public flows the stack-backed gateway tests share: a fan, an open concert, an admitted fan. */
export function flows(api: (path: string) => string, adminToken: () => string, headers: Record<string, string> = {}) {
  async function signupAndLogin(): Promise<{ token: string; userId: string; email: string; password: string }> {
    const email = `fan-${randomUUID()}@example.test`;
    const password = 'correct horse battery';
    const s = await call('POST', api('/auth/signup'), { body: { email, name: 'Fan', phone: '010-1234-5678', password }, headers });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const l = await call('POST', api('/auth/login'), { body: { email, password }, headers });
    expect(l.status).toBe(200);
    return { token: l.body.accessToken as string, userId: (s.body.user as { id: string }).id, email, password };
  }

  async function openConcert(totalSeats = 10, price = '120000.00'): Promise<string> {
    const now = Date.now();
    const c = await call('POST', api('/admin/concerts'), {
      token: adminToken(),
      body: {
        title: 'Gateway e2e',
        artist: 'The Testers',
        venue: 'Loopback Hall',
        concertDate: '2027-05-01',
        concertTime: '19:30:00',
        totalSeats,
        price,
        bookingStartTime: new Date(now - 60_000).toISOString(),
        bookingEndTime: new Date(now + 3_600_000).toISOString(),
      },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const id = c.body.id as string;
    const open = await call('PATCH', api(`/admin/concerts/${id}`), { token: adminToken(), body: { status: 'BOOKING_OPEN' } });
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body.status).toBe('BOOKING_OPEN');
    return id;
  }

  async function admitted(token: string, concertId: string): Promise<string> {
    const q = await call('POST', api(`/concerts/${concertId}/queue/tokens`), { token });
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    const queueToken = q.body.queueToken as string;
    await eventually(async () => {
      const s = await call('GET', api('/queue/status'), { token, queueToken });
      expect(s.body.status).toBe('ACTIVE');
    });
    return queueToken;
  }

  return { signupAndLogin, openConcert, admitted };
}
