import { useState } from 'preact/hooks';
import type { Concert, Reservation } from '../api/types';
import { api, useAppState } from '../store';
import { href } from '../router';
import { formatRemaining, remaining } from '../logic/countdown';
import { formatMoney } from '../logic/seat-map';
import { Alert, DataTable, errorText, STATUS_WORDS, useNow, usePoll, when } from './common';

export function ReservationsPage() {
  const { clockSkewMs } = useAppState();
  const now = useNow(500);
  const [items, setItems] = useState<Reservation[] | undefined>();
  const [concerts, setConcerts] = useState<Map<string, Concert>>(new Map());
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);

  usePoll(
    async (signal) => {
      const [mine, list] = await Promise.all([
        api.get<{ items: Reservation[] }>('/me/reservations', { signal, onCooldown: 'wait' }),
        api.get<{ items: Concert[] }>('/concerts', { auth: false, signal, onCooldown: 'wait' }),
      ]);
      setItems([...mine.items].sort((a, b) => b.reservedAt.localeCompare(a.reservedAt)));
      setConcerts(new Map(list.items.map((c) => [c.id, c])));
      setError('');
    },
    [version],
    5000,
    (err) => setError(errorText(err)),
  );

  const release = async (r: Reservation) => {
    try {
      await api.request('DELETE', `/reservations/${r.id}`);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section aria-labelledby="res-title">
      <h1 id="res-title">My reservations</h1>
      <Alert>{error}</Alert>
      {items && items.length === 0 && (
        <p>
          No reservations yet. <a href={href({ name: 'concerts' })}>Find a concert</a>.
        </p>
      )}
      {items && items.length > 0 && (
        <DataTable
          caption="Your reservations, newest first"
          columns={[{ label: 'Concert' }, { label: 'Seat' }, { label: 'Status' }, { label: 'Price' }, { label: 'Reserved' }, { label: 'Actions', hidden: true }]}
        >
              {items.map((r) => {
                const c = concerts.get(r.concertId);
                const left = remaining(r.reservedUntil, now, clockSkewMs);
                const held = r.status === 'TEMPORARILY_RESERVED';
                return (
                  <tr key={r.id} data-testid="reservation-row">
                    <td>{c ? c.title : r.concertId}</td>
                    <td>{r.seatNumber}</td>
                    <td>
                      <span class={`badge badge-${r.status.toLowerCase()}`}>{STATUS_WORDS[r.status] ?? r.status}</span>
                      {held && !left.expired && <> · {formatRemaining(left.ms)} left</>}
                      {held && left.expired && <> · expired</>}
                    </td>
                    <td>{formatMoney(r.price)}</td>
                    <td>{when(r.confirmedAt ?? r.reservedAt)}</td>
                    <td>
                      {held && !left.expired && (
                        <>
                          <a href={href({ name: 'seats', concertId: r.concertId })}>Pay</a>{' '}
                          <button type="button" class="link" onClick={() => void release(r)}>Release</button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
        </DataTable>
      )}
    </section>
  );
}
