import { useRef, useState } from 'preact/hooks';
import type { Concert, QueueStats, Seat } from '../api/types';
import { api } from '../store';
import { go, href } from '../router';
import { addSample, admissionRate, type Sample } from '../logic/admission-rate';
import { centsToMoney, countSeats, formatMoney, moneyCents, type SeatCounts } from '../logic/seat-map';
import { Alert, concertWhen, errorText, Field, STATUS_WORDS, usePoll } from './common';

export function AdminPage({ concertId, isAdmin }: { concertId?: string; isAdmin: boolean }) {
  const [concerts, setConcerts] = useState<Concert[]>([]);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  usePoll(
    async (signal) => {
      const res = await api.get<{ items: Concert[] }>('/concerts', { auth: false, signal, onCooldown: 'wait' });
      setConcerts(res.items);
    },
    [version],
    3000,
    (err) => setError(errorText(err)),
  );
  if (!isAdmin) return <Alert>Only operators can open the console. Log in with an operator account.</Alert>;
  const selected = concerts.find((c) => c.id === concertId);

  return (
    <section aria-labelledby="admin-title" class="admin">
      <h1 id="admin-title">Operator console</h1>
      <Alert>{error}</Alert>
      <div class="admin-layout">
        <div>
          <CreateConcert onCreated={(c) => { setVersion((v) => v + 1); go({ name: 'admin', concertId: c.id }); }} />
          <h2>Concerts</h2>
          <ul class="admin-list">
            {concerts.map((c) => (
              <li key={c.id}>
                <a href={href({ name: 'admin', concertId: c.id })} aria-current={c.id === concertId ? 'true' : undefined}>
                  {c.title}
                </a>{' '}
                <span class={`badge badge-${c.status.toLowerCase()}`}>{STATUS_WORDS[c.status]}</span>
              </li>
            ))}
          </ul>
        </div>
        <div>
          {concertId && !selected && concerts.length > 0 && <Alert>This concert was not found.</Alert>}
          {selected && <ConcertConsole key={selected.id} concert={selected} onChanged={() => setVersion((v) => v + 1)} />}
          {!concertId && <p class="muted">Choose a concert to manage it, or create one.</p>}
        </div>
      </div>
    </section>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');
const localInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

function CreateConcert({ onCreated }: { onCreated: (c: Concert) => void }) {
  const inAMonth = new Date(Date.now() + 30 * 86_400_000);
  const [f, setF] = useState({
    title: '',
    artist: '',
    venue: '',
    concertDate: inAMonth.toISOString().slice(0, 10),
    concertTime: '19:30',
    totalSeats: '50',
    price: '100000.00',
    bookingStart: localInput(new Date()),
    bookingEnd: localInput(new Date(Date.now() + 7 * 86_400_000)),
  });
  const [error, setError] = useState('');
  const [working, setWorking] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    setWorking(true);
    try {
      const c = await api.post<Concert>('/admin/concerts', {
        title: f.title,
        artist: f.artist,
        venue: f.venue,
        concertDate: f.concertDate,
        concertTime: f.concertTime.length === 5 ? `${f.concertTime}:00` : f.concertTime,
        totalSeats: Number(f.totalSeats),
        price: f.price.trim(),
        bookingStartTime: new Date(f.bookingStart).toISOString(),
        bookingEndTime: new Date(f.bookingEnd).toISOString(),
      });
      setF({ ...f, title: '', artist: '', venue: '' });
      onCreated(c);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setWorking(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">Create a concert</h2>
      <Field label="Title" name="title" value={f.title} onInput={set('title')} required />
      <Field label="Artist" name="artist" value={f.artist} onInput={set('artist')} required />
      <Field label="Venue" name="venue" value={f.venue} onInput={set('venue')} required />
      <div class="row">
        <Field label="Date" name="concertDate" type="date" value={f.concertDate} onInput={set('concertDate')} required />
        <Field label="Time" name="concertTime" type="time" value={f.concertTime} onInput={set('concertTime')} required />
      </div>
      <div class="row">
        <Field label="Seats" name="totalSeats" type="number" min="1" max="10000" value={f.totalSeats} onInput={set('totalSeats')} required />
        <Field label="Price" name="price" inputMode="decimal" value={f.price} onInput={set('price')} required />
      </div>
      <div class="row">
        <Field label="Sale opens" name="bookingStart" type="datetime-local" value={f.bookingStart} onInput={set('bookingStart')} required />
        <Field label="Sale ends" name="bookingEnd" type="datetime-local" value={f.bookingEnd} onInput={set('bookingEnd')} required />
      </div>
      <Alert>{error}</Alert>
      <button type="submit" class="primary" disabled={working}>
        {working ? 'Creating…' : 'Create concert'}
      </button>
    </form>
  );
}

function ConcertConsole({ concert, onChanged }: { concert: Concert; onChanged: () => void }) {
  const [status, setStatus] = useState(concert.status);
  const [error, setError] = useState('');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [sales, setSales] = useState<SeatCounts | undefined>();
  const [queue, setQueue] = useState<QueueStats | undefined>();
  const [rate, setRate] = useState<number | undefined>();
  const [refunds, setRefunds] = useState<number | undefined>(() => {
    const v = sessionStorage.getItem(`concert.refunds.${concert.id}`);
    return v === null ? undefined : Number(v);
  });
  const samples = useRef<Sample[]>([]);
  // Bumped after a save so the operator sees the new policy at once, not at the next tick.
  const [reload, setReload] = useState(0);

  usePoll(
    async (signal) => {
      const [q, s, c] = await Promise.all([
        api.get<QueueStats>(`/admin/concerts/${concert.id}/queue`, { signal, onCooldown: 'wait' }),
        api.get<{ seats: Seat[] }>(`/concerts/${concert.id}/seats`, { auth: false, signal, onCooldown: 'wait' }),
        api.get<Concert>(`/concerts/${concert.id}`, { auth: false, signal, onCooldown: 'wait' }),
      ]);
      samples.current = addSample(samples.current, { at: Date.now(), admittedTotal: q.admittedTotal }, 10_000);
      setQueue(q);
      setRate(admissionRate(samples.current));
      setSales(countSeats(s.seats));
      setStatus(c.status);
      setError('');
    },
    [concert.id, reload],
    1000,
    (err) => setError(errorText(err)),
  );

  const change = async (next: Concert['status']) => {
    setError('');
    try {
      const paidBefore = sales?.reserved ?? 0;
      const c = await api.request<Concert>('PATCH', `/admin/concerts/${concert.id}`, { body: { status: next } });
      setStatus(c.data.status);
      // A tick sent before the change could still answer with the old status; start afresh.
      setReload((n) => n + 1);
      if (next === 'CANCELLED') {
        // The public API has no refund count; the console remembers the paid seats it refunded.
        sessionStorage.setItem(`concert.refunds.${concert.id}`, String(paidBefore));
        setRefunds(paidBefore);
      }
      setConfirmCancel(false);
      onChanged();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const price = moneyCents(concert.price);
  const paid = sales?.reserved ?? 0;
  return (
    <div class="console" data-testid="concert-console">
      <h2>
        {concert.title} <span class={`badge badge-${status.toLowerCase()}`} data-testid="concert-status">{STATUS_WORDS[status]}</span>
      </h2>
      <p class="muted">
        {concert.artist} · {concert.venue} · {concertWhen(concert.concertDate, concert.concertTime)} · {concert.totalSeats} seats at {formatMoney(concert.price)}
      </p>
      <div class="actions">
        {(status === 'SCHEDULED' || status === 'BOOKING_CLOSED') && (
          <button type="button" class="primary" onClick={() => void change('BOOKING_OPEN')}>Open booking</button>
        )}
        {status === 'BOOKING_OPEN' && <button type="button" onClick={() => void change('BOOKING_CLOSED')}>Close booking</button>}
        {status !== 'CANCELLED' && (
          <button type="button" class="danger" onClick={() => setConfirmCancel(true)} aria-expanded={confirmCancel}>Cancel concert…</button>
        )}
      </div>
      {confirmCancel && (
        <div class="alert alert-warning" role="alertdialog" aria-labelledby="cancel-title" aria-describedby="cancel-desc">
          <h3 id="cancel-title">Cancel “{concert.title}”?</h3>
          <p id="cancel-desc">
            Every paid seat will be refunded to its fan's balance ({paid} paid seat{paid === 1 ? '' : 's'}, {formatMoney(centsToMoney(price * BigInt(paid)))}), every hold is released,
            and a cancelled concert cannot be reopened.
          </p>
          <button type="button" class="danger" onClick={() => void change('CANCELLED')}>Yes, cancel and refund</button>{' '}
          <button type="button" onClick={() => setConfirmCancel(false)}>Keep the concert</button>
        </div>
      )}
      <Alert>{error}</Alert>

      <div class="stats">
        <section class="card" aria-labelledby="q-title">
          <h3 id="q-title">Queue (live)</h3>
          <dl class="counts" aria-live="off">
            <dt>Waiting</dt>
            <dd data-testid="q-waiting">{queue?.waiting ?? '…'}</dd>
            <dt>Active</dt>
            <dd data-testid="q-active">{queue?.active ?? '…'}</dd>
            <dt>Admitted</dt>
            <dd data-testid="q-admitted">{queue?.admittedTotal ?? '…'}</dd>
            <dt>Admission rate</dt>
            <dd data-testid="q-rate">
              {rate === undefined ? '…' : `${rate.toFixed(1)}/s`} <small>(limit {queue?.admitPerSecond ?? '…'}/s, {queue?.maxActive ?? '…'} active max)</small>
            </dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="s-title">
          <h3 id="s-title">Sales (live)</h3>
          <dl class="counts">
            <dt>Free</dt>
            <dd data-testid="s-free">{sales?.free ?? '…'}</dd>
            <dt>Held</dt>
            <dd data-testid="s-held">{sales?.held ?? '…'}</dd>
            <dt>Reserved (paid)</dt>
            <dd data-testid="s-reserved">{sales?.reserved ?? '…'}</dd>
            <dt>Payments</dt>
            <dd data-testid="s-payments">
              {paid} · {formatMoney(centsToMoney(price * BigInt(paid)))}
            </dd>
            <dt>Refunds</dt>
            <dd data-testid="s-refunds">
              {refunds === undefined ? (status === 'CANCELLED' ? 'every paid seat' : '0') : `${refunds} · ${formatMoney(centsToMoney(price * BigInt(refunds)))}`}
            </dd>
          </dl>
        </section>
      </div>
      {queue && <QueuePolicyForm concertId={concert.id} stats={queue} onSaved={() => setReload((n) => n + 1)} />}
    </div>
  );
}

function QueuePolicyForm({ concertId, stats, onSaved }: { concertId: string; stats: QueueStats; onSaved: () => void }) {
  const [f, setF] = useState({
    admitPerSecond: String(stats.admitPerSecond),
    maxActive: String(stats.maxActive),
    activeTtlSeconds: String(stats.activeTtlSeconds ?? 600),
  });
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    setDone('');
    try {
      await api.request('PUT', `/admin/concerts/${concertId}/queue-policy`, {
        body: { admitPerSecond: Number(f.admitPerSecond), maxActive: Number(f.maxActive), activeTtlSeconds: Number(f.activeTtlSeconds) },
      });
      setDone('Queue policy saved.');
      onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="policy-title">
      <h3 id="policy-title">Queue policy</h3>
      <div class="row">
        <Field label="Admit per second" name="admitPerSecond" type="number" min="1" value={f.admitPerSecond} onInput={(v) => setF({ ...f, admitPerSecond: v })} required />
        <Field label="Max active" name="maxActive" type="number" min="1" value={f.maxActive} onInput={(v) => setF({ ...f, maxActive: v })} required />
        <Field label="Active time (s)" name="activeTtlSeconds" type="number" min="10" value={f.activeTtlSeconds} onInput={(v) => setF({ ...f, activeTtlSeconds: v })} required />
      </div>
      <button type="submit">Save policy</button>
      <Alert>{error}</Alert>
      <Alert kind="success">{done}</Alert>
    </form>
  );
}
