import { AppError } from './errors';
import { callerGone, currentDeadline, currentSignal } from './deadline';
import type { OverloadMetrics } from './overload-metrics';

export interface AdmissionOptions {
  /** Route kind or resource, for metrics and messages ("hash", "internal"). */
  kind: string;
  /** Work allowed at once. With `adaptive`, the starting point. */
  limit: number;
  /**
   * AIMD: a unit of work faster than `targetMs` raises the limit by 1/limit (about +1 per
   * round of `limit` calls), a slower one or one that failed lowers it by 10%, within
   * [min, max]. Without it the limit is fixed (right for CPU-bound work sized to the cores).
   */
  adaptive?: { min: number; max: number; targetMs: number };
  /** Waiters beyond the limit; more are refused at once. */
  maxQueue: number;
  /** A request with a deadline is refused at once when its estimated wait in the queue is longer than this. */
  maxQueueDelayMs: number;
  /** Service time assumed before any has been measured. */
  initialServiceMs?: number;
  metrics?: OverloadMetrics;
}

export interface Permit {
  /** Ends the unit of work; `ok: false` counts as congestion for the adaptive limit. */
  release(ok?: boolean): void;
}

interface Waiter {
  resolve(p: Permit): void;
  reject(e: unknown): void;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/**
 * Bounded concurrency and a bounded queue in front of expensive work. Work beyond the bound is
 * refused at once (503 OVERLOADED) with a Retry-After that is the estimated time to drain the
 * backlog in front of it, before the work or any write starts; a waiter whose deadline passes
 * or whose caller hangs up leaves the queue without having used anything.
 */
export class Admission {
  private inFlight = 0;
  private limitValue: number;
  private readonly queue: Waiter[] = [];
  private serviceMs: number;
  /** Mean ms between completions while requests were waiting: 1 / the throughput actually achieved. */
  private drainIntervalMs?: number;
  private lastRelease = 0;
  private queuedAtLastRelease = false;
  private reportedLimit?: number;
  private reportedQueued?: number;

  constructor(private readonly o: AdmissionOptions) {
    this.limitValue = o.limit;
    this.serviceMs = o.initialServiceMs ?? 50;
  }

  get limit(): number {
    return Math.max(1, Math.floor(this.limitValue));
  }
  get waiting(): number {
    return this.queue.length;
  }
  get running(): number {
    return this.inFlight;
  }

  /**
   * Estimated ms until a newcomer at the back of the queue would start: the queue ahead divided
   * by the throughput measured while work was queued (service time ÷ limit before any was).
   */
  backlogMs(extra = 1): number {
    const ahead = this.queue.length + extra;
    if (this.drainIntervalMs !== undefined) return Math.ceil(ahead * this.drainIntervalMs);
    return Math.ceil(ahead / this.limit) * this.serviceMs;
  }

  /** Retry-After for a refusal now: the time the backlog takes to drain, at least a second. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.min(60, Math.ceil(this.backlogMs() / 1000)));
  }

  /** Runs `fn` under a permit; the deadline and caller signal come from the request context. */
  async run<T>(fn: () => Promise<T>, o: { deadline?: number; signal?: AbortSignal } = {}): Promise<T> {
    const permit = await this.acquire(o);
    let ok = false;
    try {
      const r = await fn();
      ok = true;
      return r;
    } finally {
      permit.release(ok);
    }
  }

  /**
   * A permit now, without a promise, when one is free and nobody queues; undefined when the
   * caller would have to queue (then `acquire`). Throws DEADLINE_EXCEEDED like `acquire` rejects.
   */
  tryAcquire(o: { deadline?: number; signal?: AbortSignal } = {}): Permit | undefined {
    const deadline = o.deadline ?? currentDeadline();
    if ((o.signal ? o.signal.aborted : callerGone()) || (deadline !== undefined && deadline - Date.now() <= 0)) {
      this.shed('deadline');
      throw new AppError('DEADLINE_EXCEEDED', `${this.o.kind}: the request's deadline has passed`, undefined, 1);
    }
    if (this.inFlight < this.limit && this.queue.length === 0) {
      this.inFlight++;
      return this.permit();
    }
    return undefined;
  }

  acquire(o: { deadline?: number; signal?: AbortSignal } = {}): Promise<Permit> {
    try {
      const now = this.tryAcquire(o);
      if (now) return Promise.resolve(now);
    } catch (err) {
      return Promise.reject(err);
    }
    const deadline = o.deadline ?? currentDeadline();
    const remaining = deadline === undefined ? Infinity : deadline - Date.now();
    const wait = this.backlogMs();
    // Refuse now what could not finish in time anyway: queueing it would only burn its deadline.
    // Work without a deadline (an in-house batch, a test calling a service directly) is bounded
    // by the queue's length only; everything through the gateway has one.
    const tooLate = remaining !== Infinity && (wait > this.o.maxQueueDelayMs || wait + this.serviceMs > remaining);
    if (this.queue.length >= this.o.maxQueue || tooLate) {
      this.shed('full');
      return Promise.reject(
        new AppError('OVERLOADED', `${this.o.kind}: too much work in progress, try again later`, undefined, this.retryAfterSeconds()),
      );
    }
    // Only a waiter needs the caller's signal (to leave the queue when the caller hangs up).
    const signal = o.signal ?? currentSignal();
    return new Promise<Permit>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      const leave = (err: AppError) => {
        const i = this.queue.indexOf(w);
        if (i < 0) return;
        this.queue.splice(i, 1);
        this.reportQueued();
        this.cleanup(w);
        this.shed('deadline');
        reject(err);
      };
      if (remaining !== Infinity) {
        w.timer = setTimeout(() => leave(new AppError('DEADLINE_EXCEEDED', `${this.o.kind}: deadline passed while queued`, undefined, this.retryAfterSeconds())), remaining);
      }
      if (signal) {
        w.onAbort = () => leave(new AppError('DEADLINE_EXCEEDED', `${this.o.kind}: the caller went away while queued`, undefined, 1));
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.reportQueued();
    });
  }

  private permit(): Permit {
    const started = Date.now();
    let done = false;
    return {
      release: (ok = true) => {
        if (done) return;
        done = true;
        this.inFlight--;
        const now = Date.now();
        // Throughput counts only between completions that both had work waiting (a busy stretch).
        if (this.queue.length > 0 && this.queuedAtLastRelease) {
          const dt = now - this.lastRelease;
          this.drainIntervalMs = this.drainIntervalMs === undefined ? dt : this.drainIntervalMs * 0.9 + dt * 0.1;
        }
        this.lastRelease = now;
        this.queuedAtLastRelease = this.queue.length > 0;
        this.learn(now - started, ok);
        this.pump();
      },
    };
  }

  private learn(ms: number, ok: boolean): void {
    if (ok) this.serviceMs = this.serviceMs * 0.8 + ms * 0.2;
    const a = this.o.adaptive;
    if (!a) return;
    if (ok && ms <= a.targetMs) this.limitValue = Math.min(a.max, this.limitValue + 1 / this.limitValue);
    else this.limitValue = Math.max(a.min, this.limitValue * 0.9);
    // The gauges are set when their value changes, not on every release.
    if (this.limit !== this.reportedLimit) {
      this.reportedLimit = this.limit;
      this.o.metrics?.limit.set({ kind: this.o.kind }, this.limit);
    }
  }

  private pump(): void {
    while (this.inFlight < this.limit && this.queue.length > 0) {
      const w = this.queue.shift()!;
      this.cleanup(w);
      this.inFlight++;
      w.resolve(this.permit());
    }
    this.reportQueued();
  }

  private reportQueued(): void {
    if (this.queue.length === this.reportedQueued) return;
    this.reportedQueued = this.queue.length;
    this.o.metrics?.queued.set({ kind: this.o.kind }, this.queue.length);
  }

  private cleanup(w: Waiter): void {
    if (w.timer) clearTimeout(w.timer);
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
  }

  private shed(reason: 'full' | 'deadline'): void {
    this.o.metrics?.shed.inc({ kind: this.o.kind, reason });
  }
}
