import { useState } from 'preact/hooks';
import type { Concert } from '../api/types';
import { api } from '../store';
import { href } from '../router';
import { formatMoney } from '../logic/seat-map';
import { Alert, concertWhen, errorText, STATUS_WORDS, usePoll, when } from './common';

export function ConcertsPage() {
  const [concerts, setConcerts] = useState<Concert[] | undefined>();
  const [error, setError] = useState('');
  usePoll(
    async (signal) => {
      const res = await api.get<{ items: Concert[] }>('/concerts', { auth: false, signal, onCooldown: 'wait' });
      setConcerts(res.items);
      setError('');
    },
    [],
    5000,
    (err) => setError(errorText(err)),
  );

  return (
    <section aria-labelledby="concerts-title">
      <h1 id="concerts-title">Concerts</h1>
      <Alert>{error}</Alert>
      {!concerts && !error && <p>Loading concerts…</p>}
      {concerts && concerts.length === 0 && <p>No concerts yet.</p>}
      <ul class="concerts">
        {concerts?.map((c) => {
          const soldOut = c.availableSeats === 0 && c.status === 'BOOKING_OPEN';
          return (
            <li key={c.id} class="card concert" data-testid="concert" data-concert-id={c.id}>
              <h2>{c.title}</h2>
              <p class="artist">{c.artist}</p>
              <dl class="facts">
                <dt>When</dt>
                <dd>{concertWhen(c.concertDate, c.concertTime)}</dd>
                <dt>Where</dt>
                <dd>{c.venue}</dd>
                <dt>Price</dt>
                <dd>{formatMoney(c.price)}</dd>
                <dt>Status</dt>
                <dd>
                  <span class={`badge badge-${c.status.toLowerCase()}`}>{soldOut ? 'Sold out' : STATUS_WORDS[c.status]}</span>
                </dd>
                <dt>Seats left</dt>
                <dd data-testid="seats-left">
                  {c.availableSeats} of {c.totalSeats}
                </dd>
                <dt>Sale</dt>
                <dd>
                  {when(c.bookingStartTime)} – {when(c.bookingEndTime)}
                </dd>
              </dl>
              {c.status === 'BOOKING_OPEN' && !soldOut && (
                <a class="button primary" href={href({ name: 'queue', concertId: c.id })} aria-label={`Get tickets for ${c.title}`}>
                  Get tickets
                </a>
              )}
              {soldOut && <p class="muted">Sold out — every seat is sold or held. Held seats can come free again within minutes.</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
