import type { EventPublisher, OutgoingMessage } from '@concert/messaging';
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
  /** Published and acknowledged, to be marked SENT by the next round's fetch (see round()). */
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
      backoffMaxMs: opts.backoffMaxMs ?? 60_000,
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
        const fetched = await this.round(client);
        await this.housekeeping(client);
        // A full batch means more is waiting: go again without sleeping.
        if (fetched < this.cfg.batchSize) await this.idle(this.cfg.pollIntervalMs, true);
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

  private async markUnmarked(): Promise<void> {
    const client = this.lease.holder;
    if (this.unmarked.length === 0 || !client) return;
    await this.store.markSent(client, this.unmarked.map((r) => r.id)).catch((err: unknown) => {
      this.opts.logger?.warn({ err }, 'could not mark the last published outbox rows; they will be published again');
    });
    this.unmarked = [];
  }

  private async round(client: pg.Client): Promise<number> {
    this.dirty = false;
    const rows = await this.store.fetchDue(client, this.cfg.batchSize, this.unmarked.map((r) => r.id));
    this.unmarked = [];
    if (rows.length === 0) return 0;
    const { sent, failed } = await this.publish(rows);
    if (sent.length > 0) {
      // While events keep coming (a NOTIFY arrived meanwhile, or the batch was full) the next round
      // starts at once and its fetch marks these; before going idle, mark them now.
      if (this.dirty || rows.length >= this.cfg.batchSize) this.unmarked = sent;
      else await this.store.markSent(client, sent.map((r) => r.id));
      this.metrics.published.inc({ schema: this.opts.schemaName }, sent.length);
    }
    for (const { row, err } of failed) await this.recordFailure(client, row, err);
    return rows.length;
  }

  /** One sendBatch for the whole round; if it fails, retry per aggregate so one bad aggregate
   *  cannot hold back the others. Only the head row of a failing aggregate is charged an attempt;
   *  its later rows wait behind it (fetchDue skips them while it is in backoff). */
  private async publish(rows: PendingRow[]): Promise<{ sent: PendingRow[]; failed: Array<{ row: PendingRow; err: unknown }> }> {
    try {
      await this.publishRows(rows);
      return { sent: rows, failed: [] };
    } catch (batchErr) {
      const groups = groupByAggregate(rows);
      if (groups.length === 1) return { sent: [], failed: [{ row: rows[0]!, err: batchErr }] };
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

  private async recordFailure(client: pg.Client, row: PendingRow, err: unknown): Promise<void> {
    const schema = this.opts.schemaName;
    const delay = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffBaseMs * 2 ** row.attempts);
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const status = await this.store.markFailed(client, row.id, message, this.cfg.maxAttempts, delay);
    this.metrics.failed.inc({ schema });
    if (status === 'DEAD') {
      this.metrics.dead.inc({ schema });
      this.opts.logger?.error({ outboxId: row.id, eventId: row.event_id, topic: row.topic, err }, 'outbox event is DEAD');
    } else {
      this.opts.logger?.warn({ outboxId: row.id, attempts: row.attempts + 1, retryInMs: delay, err }, 'outbox publish failed');
    }
  }

  private async housekeeping(client: pg.Client): Promise<void> {
    const now = Date.now();
    if (now - this.lastGauge >= 5000) {
      this.lastGauge = now;
      const lag = await this.store.lag(client);
      this.metrics.pending.set({ schema: this.opts.schemaName }, lag.pending);
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

function groupByAggregate(rows: PendingRow[]): PendingRow[][] {
  const groups = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const key = `${row.aggregatetype}\u0000${row.aggregateid}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  }
  return [...groups.values()];
}
