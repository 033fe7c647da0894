import type {
  Concert,
  CreateConcertRequest,
  InternalUser,
  Payment,
  QueueEntry,
  QueuePolicy,
  QueueStats,
  Reservation,
  User,
} from '@concert/contracts';
import { IDEMPOTENCY_HEADER } from '@concert/contracts';
import { createTtlMemo } from '@concert/service-kit';
import type { QueueReader } from './queue-reader';
import type { Upstream } from './upstream';

const enc = encodeURIComponent;

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/** booking-service internal API (libs/contracts/src/http/internal.ts). */
export function bookingApi(up: Upstream, concertCacheMs: number) {
  // Why: thousands of fans enqueue for one concert in the same second; one lookup serves them
  // all (single flight + a short cache). Admin changes through this gateway evict it.
  const concerts = createTtlMemo<Concert>(concertCacheMs);
  const getConcert = async (id: string) => (await up.get<Concert>(`/internal/concerts/${enc(id)}`)).body;
  return {
    listConcerts: async (status?: string) =>
      (await up.get<{ items: Concert[] }>(`/internal/concerts${status ? `?status=${enc(status)}` : ''}`)).body,
    getConcert,
    /** For hot paths that only need status and window (enqueue), not live seat counts. */
    getConcertCached: (id: string) => concerts.get(id, () => getConcert(id)),
    getSeats: async (id: string) => (await up.get<unknown>(`/internal/concerts/${enc(id)}/seats`)).body,
    createConcert: async (body: CreateConcertRequest) => (await up.post<Concert>('/internal/concerts', body)).body,
    async updateConcert(id: string, body: unknown) {
      concerts.forget(id);
      const r = (await up.patch<Concert>(`/internal/concerts/${enc(id)}`, body)).body;
      concerts.forget(id);
      return r;
    },
    createReservation: async (body: { userId: string; concertId: string; seatNumber: number; inDoubt?: boolean }) =>
      (await up.post<Reservation>('/internal/reservations', body)).body,
    getReservation: async (id: string, userId: string) =>
      (await up.get<Reservation>(`/internal/reservations/${enc(id)}?userId=${enc(userId)}`)).body,
    cancelReservation: async (id: string, userId: string) =>
      (await up.delete<Reservation>(`/internal/reservations/${enc(id)}?userId=${enc(userId)}`)).body,
    userReservations: async (userId: string) =>
      (await up.get<{ items: Reservation[] }>(`/internal/users/${enc(userId)}/reservations`)).body,
  };
}

/** payment-service internal API. */
export function paymentApi(up: Upstream, auth: Upstream = up) {
  return {
    createUser: async (body: unknown) => (await auth.post<{ user: User }>('/internal/users', body)).body,
    verifyUser: async (body: { email: string; password: string }) =>
      (await auth.post<{ user: InternalUser }>('/internal/users/verify', body)).body,
    getUser: async (id: string) => (await up.get<InternalUser>(`/internal/users/${enc(id)}`)).body,
    balance: async (id: string) => (await up.get<{ balance: string }>(`/internal/users/${enc(id)}/balance`)).body,
    charge: async (id: string, amount: string, key: string) =>
      (await up.post<{ balance: string; transactionId: string }>(`/internal/users/${enc(id)}/balance/charge`, { amount }, { [IDEMPOTENCY_HEADER]: key })).body,
    transactions: async (id: string, q: { limit: number; cursor?: string }) => {
      const qs = new URLSearchParams({ limit: String(q.limit) });
      if (q.cursor) qs.set('cursor', q.cursor);
      return (await up.get<Page<unknown>>(`/internal/users/${enc(id)}/balance/transactions?${qs}`)).body;
    },
    pay: async (body: { userId: string; reservationId: string }, key: string) =>
      (await up.post<Payment>('/internal/payments', body, { [IDEMPOTENCY_HEADER]: key })).body,
    getPayment: async (id: string, userId: string) =>
      (await up.get<Payment>(`/internal/payments/${enc(id)}?userId=${enc(userId)}`)).body,
  };
}

/** queue-service internal API. */
export function queueApi(up: Upstream) {
  return {
    enqueue: async (concertId: string, userId: string) =>
      (await up.post<QueueEntry>(`/internal/queues/${enc(concertId)}/entries`, { userId })).body,
    entry: async (concertId: string, userId: string) =>
      (await up.get<QueueEntry>(`/internal/queues/${enc(concertId)}/entries/${enc(userId)}`)).body,
    /** Ends the fan's active slot (idempotent); the payment-completed event does the same later. */
    complete: async (concertId: string, userId: string) => {
      await up.post<unknown>(`/internal/queues/${enc(concertId)}/entries/${enc(userId)}/complete`);
    },
    setPolicy: async (concertId: string, policy: QueuePolicy) =>
      (await up.put<QueueStats>(`/internal/queues/${enc(concertId)}/policy`, policy)).body,
    stats: async (concertId: string) => (await up.get<QueueStats>(`/internal/queues/${enc(concertId)}/stats`)).body,
  };
}

export interface Services {
  booking: ReturnType<typeof bookingApi>;
  payment: ReturnType<typeof paymentApi>;
  queue: QueueReader;
}
