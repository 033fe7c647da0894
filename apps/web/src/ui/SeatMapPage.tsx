import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../api/client';
import type { Concert, QueueStatusResponse, Reservation, Seat } from '../api/types';
import { api, useAppState } from '../store';
import { go, href } from '../router';
import { formatRemaining, remaining, spokenRemaining } from '../logic/countdown';
import { QUEUE_PASS_CODES } from '../logic/problems';
import { countSeats, formatMoney, LOOK_LABEL, moneyCents, pruneTaken, seatLooks, shortfall } from '../logic/seat-map';
import { loadQueuePass, saveQueuePass } from '../logic/session';
import { Alert, concertWhen, errorText, STOP, useNow, usePoll, when } from './common';

/** Seats are re-read twice a second, so another fan's hold or purchase shows within about a second. */
const SEATS_POLL_MS = 500;
const MINE_POLL_MS = 3000;
const QUEUE_POLL_MS = 5000;
/** How long a seat lost in a race stays marked taken if no newer map confirms it. */
const TAKEN_MARK_MS = 3000;

interface Notice {
  kind: 'error' | 'info' | 'success' | 'warning';
  text: string;
}

/** Without a queue pass for this concert the fan belongs in the waiting room. */
export function SeatMapPage({ concertId }: { concertId: string }) {
  const pass = loadQueuePass(sessionStorage, concertId);
  useEffect(() => {
    if (!pass) go({ name: 'queue', concertId });
  }, [pass, concertId]);
  return pass ? <SeatMap concertId={concertId} pass={pass} /> : null;
}

function SeatMap({ concertId, pass }: { concertId: string; pass: string }) {
  const { clockSkewMs } = useAppState();
  const [concert, setConcert] = useState<Concert | undefined>();
  const [seats, setSeats] = useState<Seat[]>([]);
  const [mine, setMine] = useState<Reservation[]>([]);
  const [balance, setBalance] = useState<string | undefined>();
  const [pending, setPending] = useState<Set<number>>(new Set());
  const [taken, setTaken] = useState<Map<number, number>>(new Map());
  const [notice, setNotice] = useState<Notice | undefined>();
  const [queueExpired, setQueueExpired] = useState(false);
  const [working, setWorking] = useState<string | undefined>();
  const [confirmed, setConfirmed] = useState<Reservation | undefined>();
  const [expiredHolds, setExpiredHolds] = useState<Set<string>>(new Set());
  const [loadError, setLoadError] = useState('');
  const payKeys = useRef(new Map<string, string>());

  usePoll(
    async (signal) => {
      if (!concert) setConcert(await api.get<Concert>(`/concerts/${concertId}`, { auth: false, signal, onCooldown: 'wait' }));
      const map = await api.get<{ seats: Seat[] }>(`/concerts/${concertId}/seats`, { auth: false, signal, onCooldown: 'wait' });
      // Re-render only when a seat changed: the map is read twice a second.
      setSeats((prev) => (sameSeats(prev, map.seats) ? prev : map.seats));
      setTaken((t) => (t.size ? pruneTaken(t, map.seats, Date.now(), TAKEN_MARK_MS) : t));
      setLoadError('');
    },
    [concertId],
    SEATS_POLL_MS,
    (err) => setLoadError(errorText(err)),
  );

  const refreshMine = async (signal?: AbortSignal) => {
    const [res, bal] = await Promise.all([
      api.get<{ items: Reservation[] }>('/me/reservations', { signal, onCooldown: 'wait' }),
      api.get<{ balance: string }>('/me/balance', { signal, onCooldown: 'wait' }),
    ]);
    const next = res.items.filter((r) => r.concertId === concertId);
    setMine((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    setBalance(bal.balance);
  };
  usePoll(refreshMine, [concertId], MINE_POLL_MS);

  // The queue slot: its status poll also tells the queue this fan is still here.
  usePoll(
    async (signal) => {
      try {
        const q = await api.get<QueueStatusResponse>(`/queue/status?concertId=${concertId}`, { queueToken: pass, signal, onCooldown: 'wait' });
        if (q.status === 'WAITING') go({ name: 'queue', concertId });
        if (q.status === 'EXPIRED') {
          setQueueExpired(true);
          return STOP;
        }
      } catch (err) {
        if (err instanceof ApiError && QUEUE_PASS_CODES.has(err.code)) {
          setQueueExpired(true);
          return STOP;
        }
        throw err;
      }
    },
    [concertId, pass],
    QUEUE_POLL_MS,
  );

  const looks = useMemo(() => seatLooks(seats, mine, pending, new Set(taken.keys())), [seats, mine, pending, taken]);
  const counts = countSeats(seats);
  const holds = mine.filter((r) => r.status === 'TEMPORARILY_RESERVED');
  const paidHere = mine.some((r) => r.status === 'CONFIRMED');

  // A hold whose countdown reached zero is expired, whatever the next poll says.
  const holdExpired = (h: Reservation) => {
    setExpiredHolds((s) => (s.has(h.id) ? s : new Set(s).add(h.id)));
    setNotice({ kind: 'warning', text: `Your hold on seat ${h.seatNumber} has expired and the seat was released. Choose a seat again to continue.` });
    void refreshMine().catch(() => undefined);
  };

  const failed = (err: unknown, seat?: number) => {
    if (err instanceof ApiError && QUEUE_PASS_CODES.has(err.code)) setQueueExpired(true);
    if (err instanceof ApiError && err.code === 'SEAT_UNAVAILABLE' && seat !== undefined) {
      setTaken((t) => new Map(t).set(seat, Date.now()));
      setNotice({ kind: 'error', text: `Seat ${seat} is taken: someone else got it first. Please choose another seat.` });
      return;
    }
    if (err instanceof ApiError && err.code === 'RATE_LIMITED')
      return setNotice({ kind: 'warning', text: `Too many requests. Please wait ${err.retryAfterSeconds ?? 1} s and try again.` });
    setNotice({ kind: 'error', text: errorText(err) });
  };

  const hold = async (seatNumber: number) => {
    const look = looks.get(seatNumber);
    if (look !== 'free') {
      if (look === 'held' || look === 'sold') setNotice({ kind: 'error', text: `Seat ${seatNumber} is taken. Please choose another seat.` });
      return;
    }
    setNotice(undefined);
    setPending((p) => new Set(p).add(seatNumber));
    try {
      const r = await api.post<Reservation>('/reservations', { concertId, seatNumber }, { queueToken: pass });
      setMine((m) => [...m.filter((x) => x.id !== r.id), r]);
      setSeats((s) => s.map((x) => (x.seatNumber === seatNumber ? { ...x, status: 'TEMPORARILY_RESERVED' } : x)));
      setNotice({ kind: 'success', text: `Seat ${seatNumber} is yours for now. Pay before the countdown ends to keep it.` });
    } catch (err) {
      failed(err, seatNumber);
    } finally {
      setPending((p) => {
        const n = new Set(p);
        n.delete(seatNumber);
        return n;
      });
    }
  };

  const pay = async (r: Reservation) => {
    setWorking(r.id);
    setNotice(undefined);
    const key = payKeys.current.get(r.id) ?? newIdempotencyKey();
    payKeys.current.set(r.id, key);
    try {
      await api.post('/payments', { reservationId: r.id }, { queueToken: pass, idempotencyKey: key });
      setNotice({ kind: 'info', text: 'Payment received. Confirming your seat…' });
      // CONFIRMED follows the payment through an event, within about a second (API.md).
      const deadline = Date.now() + 20_000;
      for (;;) {
        const cur = await api.get<Reservation>(`/reservations/${r.id}`);
        if (cur.status === 'CONFIRMED') {
          setConfirmed(cur);
          setNotice(undefined);
          break;
        }
        if (cur.status !== 'TEMPORARILY_RESERVED' || Date.now() > deadline) {
          setNotice({ kind: 'warning', text: `Your payment is in, but the seat shows ${cur.status}. If the seat could not be confirmed, the money is refunded to your balance.` });
          break;
        }
        await new Promise((res) => setTimeout(res, 250));
      }
      await refreshMine();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'RESERVATION_EXPIRED') {
        setExpiredHolds((s) => new Set(s).add(r.id));
        setNotice({ kind: 'warning', text: `Your hold on seat ${r.seatNumber} has expired and the seat was released. Choose a seat again to continue.` });
        await refreshMine().catch(() => undefined);
      } else failed(err);
    } finally {
      setWorking(undefined);
    }
  };

  const topUpAndPay = async (r: Reservation, amount: string) => {
    setWorking(r.id);
    try {
      await api.post('/me/balance/charge', { amount }, { idempotencyKey: newIdempotencyKey() });
      await refreshMine();
    } catch (err) {
      failed(err);
      setWorking(undefined);
      return;
    }
    await pay(r);
  };

  const release = async (r: Reservation) => {
    setWorking(r.id);
    try {
      await api.request('DELETE', `/reservations/${r.id}`);
      setNotice({ kind: 'info', text: `Seat ${r.seatNumber} released.` });
      await refreshMine();
    } catch (err) {
      failed(err);
    } finally {
      setWorking(undefined);
    }
  };

  const rejoin = () => {
    saveQueuePass(sessionStorage, concertId, undefined);
    go({ name: 'queue', concertId });
  };

  if (confirmed) {
    return (
      <section class="card confirmation" aria-labelledby="confirmed-title" data-testid="confirmation">
        <h1 id="confirmed-title" tabIndex={-1} ref={(el) => el?.focus()}>
          Booking confirmed
        </h1>
        <p>
          Seat <strong>{confirmed.seatNumber}</strong> for <strong>{concert?.title}</strong> is yours.
        </p>
        <dl class="facts">
          <dt>Status</dt>
          <dd data-testid="reservation-status">{confirmed.status}</dd>
          <dt>Paid</dt>
          <dd>{formatMoney(confirmed.price)}</dd>
          <dt>Confirmed at</dt>
          <dd>{when(confirmed.confirmedAt)}</dd>
          <dt>Reservation</dt>
          <dd class="mono">{confirmed.id}</dd>
        </dl>
        <p>
          <a class="button" href={href({ name: 'reservations' })}>My reservations</a>{' '}
          <button type="button" onClick={() => setConfirmed(undefined)}>Back to the seat map</button>
        </p>
      </section>
    );
  }

  const cols = Math.min(10, Math.max(1, Math.ceil(Math.sqrt(seats.length || 1) * 1.4)));
  return (
    <section aria-labelledby="seats-title" class="seat-page">
      <h1 id="seats-title">Choose your seat</h1>
      {concert && (
        <p class="muted">
          {concert.title} · {concert.artist} · {concert.venue} · {concertWhen(concert.concertDate, concert.concertTime)} · {formatMoney(concert.price)} per seat
        </p>
      )}
      {queueExpired && !paidHere && (
        <Alert kind="warning">
          Your place in the queue has expired, so you cannot hold or pay for seats now.{' '}
          <button type="button" class="primary" onClick={rejoin}>Join the queue again</button>
        </Alert>
      )}
      <Alert>{loadError}</Alert>
      <div aria-live="assertive">{notice && <Alert kind={notice.kind}>{notice.text}</Alert>}</div>
      {seats.length > 0 && counts.free === 0 && holds.length === 0 && (
        <Alert kind="info">
          {counts.held > 0 ? 'Every seat is taken right now. Held seats come free again if their holders do not pay in time — this map updates by itself.' : 'Sold out: every seat has been sold.'}
        </Alert>
      )}

      <div class="seat-layout">
        <div>
          <p class="summary" aria-live="polite" data-testid="seat-summary">
            {counts.free} free · {counts.held} held · {counts.reserved} sold
          </p>
          <div class="stage" aria-hidden="true">Stage</div>
          <div class="seat-grid" role="group" aria-label="Seats" style={{ gridTemplateColumns: `repeat(${cols}, minmax(2.5rem, 1fr))` }}>
            {seats.map((s) => {
              const look = looks.get(s.seatNumber) ?? 'free';
              return (
                <button
                  type="button"
                  key={s.seatNumber}
                  class={`seat seat-${look}`}
                  data-testid={`seat-${s.seatNumber}`}
                  data-state={look}
                  aria-label={`Seat ${s.seatNumber}, ${LOOK_LABEL[look]}`}
                  aria-disabled={look !== 'free'}
                  onClick={() => void hold(s.seatNumber)}
                >
                  {s.seatNumber}
                </button>
              );
            })}
          </div>
          <ul class="legend" aria-label="Legend">
            <li><span class="swatch seat-free" aria-hidden="true" /> available</li>
            <li><span class="swatch seat-mine-held" aria-hidden="true" /> held by you</li>
            <li><span class="swatch seat-held" aria-hidden="true" /> held by someone else</li>
            <li><span class="swatch seat-sold" aria-hidden="true" /> sold</li>
          </ul>
        </div>

        <aside class="card holds" aria-labelledby="holds-title">
          <h2 id="holds-title">Your seats</h2>
          <p>
            Balance: <strong data-testid="balance">{balance ? formatMoney(balance) : '…'}</strong>
          </p>
          {holds.length === 0 && <p class="muted">Choose a free seat on the map to hold it for a few minutes.</p>}
          {holds.map((h) => (
            <HoldCard
              key={h.id}
              hold={h}
              balance={balance}
              skewMs={clockSkewMs}
              working={working === h.id}
              onPay={() => void pay(h)}
              onTopUpAndPay={(amount) => void topUpAndPay(h, amount)}
              onRelease={() => void release(h)}
              onExpired={() => holdExpired(h)}
            />
          ))}
          {mine
            .filter((r) => r.status === 'EXPIRED' && expiredHolds.has(r.id))
            .map((r) => (
              <p key={r.id} class="expired" data-testid={`expired-${r.seatNumber}`}>
                Seat {r.seatNumber}: hold expired
              </p>
            ))}
          {mine
            .filter((r) => r.status === 'CONFIRMED')
            .map((r) => (
              <p key={r.id} class="paid" data-testid={`paid-${r.seatNumber}`}>
                Seat {r.seatNumber}: CONFIRMED
              </p>
            ))}
        </aside>
      </div>
    </section>
  );
}

const sameSeats = (a: readonly Seat[], b: readonly Seat[]) => a.length === b.length && a.every((s, i) => s.seatNumber === b[i]?.seatNumber && s.status === b[i]?.status);

/** One hold with its own countdown clock, so the ticking re-renders this card and not the whole map. */
function HoldCard(p: {
  hold: Reservation;
  balance: string | undefined;
  skewMs: number;
  working: boolean;
  onPay(): void;
  onTopUpAndPay(amount: string): void;
  onRelease(): void;
  onExpired(): void;
}) {
  const now = useNow(250);
  const h = p.hold;
  const left = remaining(h.reservedUntil, now, p.skewMs);
  const expiredRef = useRef(false);
  useEffect(() => {
    if (left.expired && !expiredRef.current) {
      expiredRef.current = true;
      p.onExpired();
    }
  });
  const short = p.balance ? shortfall(p.balance, h.price) : '0.00';
  const isShort = moneyCents(short) > 0n;
  return (
    <div class="hold" data-testid={`hold-${h.seatNumber}`}>
      <h3>Seat {h.seatNumber}</h3>
      {left.expired ? (
        <p class="expired" data-testid="hold-expired">Hold expired</p>
      ) : (
        <p>
          Held for you:{' '}
          <strong class="countdown" data-testid="countdown" aria-label={spokenRemaining(left.ms)}>
            {formatRemaining(left.ms)}
          </strong>
        </p>
      )}
      <p>Price: {formatMoney(h.price)}</p>
      {!left.expired && !isShort && (
        <button type="button" class="primary" disabled={p.working} onClick={p.onPay}>
          {p.working ? 'Paying…' : `Pay ${formatMoney(h.price)} from balance`}
        </button>
      )}
      {!left.expired && isShort && (
        <div>
          <p class="warn-text">Your balance is {formatMoney(short)} short.</p>
          <button type="button" class="primary" disabled={p.working} onClick={() => p.onTopUpAndPay(short)}>
            {p.working ? 'Working…' : `Top up ${formatMoney(short)} and pay`}
          </button>
        </div>
      )}
      {!left.expired && (
        <button type="button" class="link" disabled={p.working} onClick={p.onRelease}>
          Release seat
        </button>
      )}
    </div>
  );
}
