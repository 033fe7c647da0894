import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@concert/db';
import type { PaymentCompletedV1 } from '@concert/contracts';
import { confirmAtOnce, readForConfirmation, type Confirmation, type ReservationToConfirm } from '../data-access/confirmation.repository';
import { paymentOutcome } from '../domain/reservation';
import type { BookingDeps } from './deps';

/** Confirmed at once: the hold as read (for the after-commit effects). undefined: take the locked path. */
export type AtOnce = ReservationToConfirm | undefined;

interface Waiting {
  event: PaymentCompletedV1;
  settle: (r: AtOnce) => void;
  fail: (err: unknown) => void;
}

/**
 * Payments for live holds that arrive together are confirmed together: one read for all of them,
 * then one statement with every confirmation, seat, event and inbox row (confirmAtOnce). Why: 49
 * payments at once each took two round trips through booking's busy pool and event loop, one
 * after the other, and a paid fan waited behind all the others for CONFIRMED. Each event is
 * decided alone by the domain (paymentOutcome), exactly as the locked path would decide it.
 */
export class ConfirmTogether {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly d: BookingDeps,
    private readonly consumer: string,
    private readonly event: (r: ReservationToConfirm, paymentId: string) => Confirmation['event'],
    private readonly maxBatch = 100,
  ) {}

  /** The hold confirmed at once, or undefined when this event must take the locked path. */
  confirm(event: PaymentCompletedV1): Promise<AtOnce> {
    return new Promise<AtOnce>((settle, fail) => {
      this.waiting.push({ event, settle, fail });
      // Everything that arrives in this turn of the event loop (one fetch's messages) goes together.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    while (all.length > 0) {
      // One reservation once per statement: a second event for it goes in another statement,
      // where the status re-checked under the lock (or the inbox key) sends it to the locked path.
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      const ids = new Set<string>();
      for (const w of all.splice(0)) {
        const id = w.event.payload.reservationId;
        if (ids.has(id) || batch.length >= this.maxBatch) later.push(w);
        else {
          ids.add(id);
          batch.push(w);
        }
      }
      all.push(...later);
      void this.run(batch);
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const read = await readForConfirmation(this.d.db, batch.map((w) => w.event.payload.reservationId));
      const go: Array<{ w: Waiting; c: Confirmation }> = [];
      for (const w of batch) {
        const p = w.event.payload;
        const r = read.get(p.reservationId);
        if (!r || paymentOutcome(r, { paymentId: p.paymentId, userId: p.userId }).kind !== 'confirm') w.settle(undefined);
        else go.push({ w, c: { r, paymentId: p.paymentId, consumedEventId: w.event.eventId, event: this.event(r, p.paymentId) } });
      }
      if (go.length === 0) return;
      let confirmed: Set<string>;
      try {
        confirmed = await confirmAtOnce(this.d.db, this.consumer, go.map((g) => g.c));
      } catch (err) {
        // An event consumed meanwhile: nothing was written; the locked path says what each one did.
        if (pgErrorCode(err) !== PG_UNIQUE_VIOLATION) throw err;
        confirmed = new Set();
      }
      for (const { w, c } of go) w.settle(confirmed.has(c.r.id) ? c.r : undefined);
    } catch (err) {
      // Settled ones ignore it; the rest are retried by the subscriber, as one alone would be.
      for (const w of batch) w.fail(err);
    }
  }
}
