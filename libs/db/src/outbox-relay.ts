import { isBrokerUnreachable, isUnpublishable, type EventPublisher, type OutgoingMessage } from '@concert/messaging';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { advisoryLockKey, LOCK_NAMESPACE } from './advisory-lock';
import { outboxMetrics, type OutboxMetrics } from './outbox-metrics';
import { OutboxStore, type OutboxLag, type PendingRow } from './outbox-store';
import { outboxChannel } from './outbox-writer';
import { RelayLease } from './relay-lease';

export interface OutboxRelayOptions {
  pool: pg.Pool;
  schemaName: string;
  tableName?: string;
  publisher: EventPublisher;
  logger?: Logger;
  batchSize?: number;
  /** Fallback poll only: NOTIFY wakes the relay, but notifications can be lost. */
  pollIntervalMs?: number;
  /** Attempts after which a row the broker refuses outright (isUnpublishable) turns DEAD. A row
   *  is never DEAD because the broker is unreachable: it waits, however long the outage. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  retentionHours?: number;
  cleanupIntervalMs?: number;
  /** How often a standby replica retries the lease (the failover time). */
  leaseRetryMs?: number;
  publishTimeoutMs?: number;
  registry?: Registry;
}

export interface OutboxRelay {
  stop(): Promise<void>;
  lag(): Promise<OutboxLag>;
  isLeader(): boolean;
}

export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  return new Relay(opts);
}

class Relay implements OutboxRelay {
  private readonly store: OutboxStore;
  private readonly lease: RelayLease;
  private readonly metrics: OutboxMetrics;
  private readonly cfg: Required<
    Pick<
      OutboxRelayOptions,
      | 'batchSize'
      | 'pollIntervalMs'
      | 'maxAttempts'
      | 'backoffBaseMs'
      | 'backoffMaxMs'
      | 'retentionHours'
      | 'cleanupIntervalMs'
      | 'leaseRetryMs'
      | 'publishTimeoutMs'
    >
  >;
  private stopped = false;
  private dirty = true;
  private wakeUp: (() => void) | undefined;
  /** Published and acknowledged, to be marked SENT by the next fetch (see lead()). */
  private unmarked: PendingRow[] = [];
  private lastCleanup = 0;
  private lastGauge = 0;
  private readonly done: Promise<void>;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.cfg = {
      batchSize: opts.batchSize ?? 200,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      maxAttempts: opts.maxAttempts ?? 10,
      backoffBaseMs: opts.backoffBaseMs ?? 200,
      // A few seconds at most: delivery resumes within that of the broker's return.
      backoffMaxMs: opts.backoffMaxMs ?? 3000,
      retentionHours: opts.retentionHours ?? 24,
      cleanupIntervalMs: opts.cleanupIntervalMs ?? 60_000,
      leaseRetryMs: opts.leaseRetryMs ?? 2000,
      publishTimeoutMs: opts.publishTimeoutMs ?? 30_000,
    };
    const tableName = opts.tableName ?? 'outbox';
    this.store = new OutboxStore(opts.schemaName, tableName);
    this.metrics = outboxMetrics(opts.registry);
    this.lease = new RelayLease(
      opts.pool.options,
      advisoryLockKey(LOCK_NAMESPACE.outboxRelay, `${opts.schemaName}.${tableName}`),
      outboxChannel(opts.schemaName, tableName),
      () => this.wake(),
      opts.logger,
    );
    this.done = this.loop();
  }

  isLeader(): boolean {
    return this.lease.holder !== undefined;
  }

  lag(): Promise<OutboxLag> {
    return this.store.lag(this.opts.pool);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.done;
  }

  private wake(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  /** Sleeps up to `ms`, cut short by a NOTIFY (or one that arrived while we were busy) or stop(). */
  private async idle(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (this.stopped || (wakeOnNotify && this.dirty)) return;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = wakeOnNotify ? finish : () => this.stopped && finish();
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let client: pg.Client | undefined;
      try {
        client = await this.lease.tryAcquire();
      } catch (err) {
        this.opts.logger?.warn({ err }, 'outbox relay could not reach Postgres');
        this.lease.drop();
      }
      if (!client) {
        await this.idle(this.cfg.leaseRetryMs, false);
        continue;
      }
      try {
        await this.lead(client);
      } catch (err) {
        this.opts.logger?.error({ err }, 'outbox relay round failed; giving up the lease');
        // Published but maybe not marked: the next leader publishes them again (consumers dedupe).
        this.unmarked = [];
        this.lease.drop();
        await this.idle(Math.min(this.cfg.leaseRetryMs, 1000), false);
      }
    }
    await this.markUnmarked();
    await this.lease.release();
  }

  /**
   * Rounds while we hold the lease, pipelined: while the broker acknowledges one batch, the next
   * one is read (and the previous one marked SENT) in a single statement. Batches are published
   * one after the other, never two at once, so one aggregate's events keep their order; rows of
   * an aggregate whose publish just failed are dropped from the batch read meanwhile.
   */
  private async lead(client: pg.Client): Promise<void> {
    let rows = await this.fetch(client, []);
    while (!this.stopped && this.lease.holder === client) {
      if (rows.length === 0) {
        // A NOTIFY that came in meanwhile means rows are waiting: fetch at once (the fetch marks
        // the acknowledged rows too) rather than spend a round trip on marking them first.
        if (!this.dirty) {
          await this.markUnmarked();
          await this.housekeeping(client);
          await this.idle(this.cfg.pollIntervalMs, true);
          if (this.stopped) return;
        }
        rows = await this.fetch(client, []);
        continue;
      }
      const publishing = this.publish(rows);
      // More is waiting (a full batch, or a NOTIFY came in): read it while this batch is in flight.
      const nextFetch = this.dirty || rows.length >= this.cfg.batchSize ? this.fetch(client, rows.map((r) => r.id)) : undefined;
      nextFetch?.catch(() => undefined); // awaited below; this only keeps it from being "unhandled" meanwhile
      const { sent, failed } = await publishing;
      let next = nextFetch ? await nextFetch : undefined;
      if (sent.length > 0) {
        this.unmarked.push(...sent);
        this.metrics.published.inc({ schema: this.opts.schemaName }, sent.length);
      }
      if (failed.length > 0) {
        await this.recordFailures(client, failed);
        const blocked = new Set(failed.map(({ row }) => aggregateKey(row)));
        next = next?.filter((r) => !blocked.has(aggregateKey(r)));
      }
      await this.housekeeping(client);
      // The fetch also marks this batch SENT; when nothing more is due it finds nothing and we idle.
      rows = next ?? (await this.fetch(client, []));
    }
  }

  private fetch(client: pg.Client, inFlight: PendingRow[] | string[]): Promise<PendingRow[]> {
    this.dirty = false;
    const marking = this.unmarked.map((r) => r.id);
    this.unmarked = [];
    const ids = inFlight.map((r) => (typeof r === 'string' ? r : r.id));
    return this.store.fetchDue(client, this.cfg.batchSize, marking, ids);
  }

  private async markUnmarked(): Promise<void> {
    const client = this.lease.holder;
    if (this.unmarked.length === 0 || !client) return;
    await this.store.markSent(client, this.unmarked.map((r) => r.id)).catch((err: unknown) => {
      this.opts.logger?.warn({ err }, 'could not mark the last published outbox rows; they will be published again');
    });
    this.unmarked = [];
  }

  /** One sendBatch for the whole round. If it fails and the broker did answer, retry per aggregate
   *  so one bad aggregate cannot hold back the others (an unreachable broker fails them all alike:
   *  no point in asking it once per aggregate). Only the head row of a failing aggregate is charged
   *  an attempt; its later rows wait behind it (fetchDue skips them while it is in backoff). */
  private async publish(rows: PendingRow[]): Promise<{ sent: PendingRow[]; failed: Array<{ row: PendingRow; err: unknown }> }> {
    try {
      await this.publishRows(rows);
      return { sent: rows, failed: [] };
    } catch (batchErr) {
      const groups = groupByAggregate(rows);
      if (groups.length === 1 || isBrokerUnreachable(batchErr)) {
        return { sent: [], failed: groups.map((g) => ({ row: g[0]!, err: batchErr })) };
      }
      const results = await Promise.allSettled(groups.map((g) => this.publishRows(g)));
      const sent: PendingRow[] = [];
      const failed: Array<{ row: PendingRow; err: unknown }> = [];
      results.forEach((r, i) => {
        const group = groups[i]!;
        if (r.status === 'fulfilled') sent.push(...group);
        else failed.push({ row: group[0]!, err: r.reason });
      });
      return { sent, failed };
    }
  }

  private async publishRows(rows: PendingRow[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('publish timed out')), this.cfg.publishTimeoutMs);
    });
    try {
      await Promise.race([this.opts.publisher.publish(rows.map(toMessage)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One statement per distinct error (an outage fails every aggregate with the same one). */
  private async recordFailures(client: pg.Client, failed: Array<{ row: PendingRow; err: unknown }>): Promise<void> {
    const schema = this.opts.schemaName;
    const byError = new Map<unknown, PendingRow[]>();
    for (const { row, err } of failed) byError.set(err, [...(byError.get(err) ?? []), row]);
    for (const [err, rows] of byError) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const marked = await this.store.markFailed(client, rows.map((r) => r.id), message, {
        mayDie: isUnpublishable(err),
        maxAttempts: this.cfg.maxAttempts,
        backoffBaseMs: this.cfg.backoffBaseMs,
        backoffMaxMs: this.cfg.backoffMaxMs,
      });
      this.metrics.failed.inc({ schema }, rows.length);
      const dead = marked.filter((m) => m.status === 'DEAD');
      if (dead.length > 0) {
        this.metrics.dead.inc({ schema }, dead.length);
        this.opts.logger?.error({ outboxIds: dead.map((d) => d.id), err }, 'outbox events refused by the broker are DEAD');
      }
      this.opts.logger?.warn(
        { aggregates: rows.length, attempts: Math.max(0, ...marked.map((m) => m.attempts)), err },
        'outbox publish failed; retrying',
      );
    }
  }

  private async housekeeping(client: pg.Client): Promise<void> {
    const now = Date.now();
    if (now - this.lastGauge >= 5000) {
      this.lastGauge = now;
      const lag = await this.store.lag(client);
      this.metrics.pending.set({ schema: this.opts.schemaName }, lag.pending);
      this.metrics.deadRows.set({ schema: this.opts.schemaName }, lag.dead);
      this.metrics.oldestAgeSeconds.set({ schema: this.opts.schemaName }, lag.oldestAgeMs / 1000);
    }
    if (now - this.lastCleanup >= this.cfg.cleanupIntervalMs) {
      this.lastCleanup = now;
      const deleted = await this.store.deleteSent(client, this.cfg.retentionHours);
      if (deleted > 0) this.opts.logger?.info({ deleted }, 'outbox cleanup');
    }
  }
}

function toMessage(row: PendingRow): OutgoingMessage {
  return {
    topic: row.topic,
    key: row.aggregateid,
    value: row.payload,
    headers: { ...row.headers, 'x-event-id': row.event_id, 'x-event-type': row.type },
  };
}

const aggregateKey = (row: PendingRow) => `${row.aggregatetype}\u0000${row.aggregateid}`;

function groupByAggregate(rows: PendingRow[]): PendingRow[][] {
  const groups = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const key = aggregateKey(row);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  }
  return [...groups.values()];
}
