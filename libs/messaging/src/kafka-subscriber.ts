import type { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { backoffMs } from './backoff';
import { consumerMetrics, type ConsumerState } from './consumer-metrics';
import type { KafkaClient } from './kafka-client';
import { deadLetterTopic, parkMessage, PoisonMessage } from './dead-letter';
import { OffsetCommitter } from './offset-committer';
import { PartitionLane } from './partition-lane';
import { inConsumerSpan } from './tracing';
import type { EventPublisher, EventSubscriber, IncomingMessage, SubscribeOptions } from './types';

export interface KafkaSubscriberOptions {
  logger?: Logger;
  sessionTimeoutMs?: number;
  handlerBackoffBaseMs?: number;
  /** Cap of the in-place retry backoff: a handler failing through an outage resumes within this of its end. */
  handlerBackoffMaxMs?: number;
  /** Longest a fetch waits on an idle partition; data that arrives earlier is returned at once. */
  fetchMaxWaitMs?: number;
  /**
   * Where a PoisonMessage goes (`<topic>.dlq`, see dead-letter.ts): parked there, its offset is
   * committed and the partition flows on. Without it a poison message is fatal (see onFatal).
   */
  deadLetter?: EventPublisher;
  /** Told about every parked message (metrics, alerts). */
  onDeadLetter?: (msg: IncomingMessage, err: unknown) => void;
  /**
   * Called once when the consumer cannot go on by itself (kafkajs gave up on a non-retriable
   * error, or a poison message with nowhere to park it). A service exits non-zero here so its
   * supervisor restarts it: a process must never stay alive and idle. Without it, the consumer
   * stays down with healthy() false.
   */
  onFatal?: (err: unknown) => void;
  /** Registers consumer_state{group} and consumer_handler_failures_total{group,topic}. */
  registry?: Registry;
  /**
   * Messages of one partition fetched but not yet committable (a handler stuck in an outage holds
   * the rest behind it) at which the partition stops being fetched until half of them are done.
   */
  maxBacklogPerPartition?: number;
}

export function createKafkaSubscriber(kafka: KafkaClient, opts: KafkaSubscriberOptions = {}): EventSubscriber {
  return new KafkaSubscriber(kafka, opts);
}

/** Thrown out of a handler retry once stop() was called, so the message is not committed. */
class Stopping extends Error {}

class KafkaSubscriber implements EventSubscriber {
  private consumer: Consumer | undefined;
  private committer: OffsetCommitter | undefined;
  private joined = false;
  private failed = false;
  private stopping = false;
  /** Messages whose handler has failed more than `handlerRetries` times in a row. */
  private readonly stalled = new Set<string>();
  /** Fetched messages by partition, from queued to committable (see PartitionLane). */
  private readonly lanes = new Map<string, PartitionLane>();
  /** Bumped at every rebalance and (re)join: lanes of an earlier generation start over. */
  private generation = 0;
  private wakeStop: (() => void) | undefined;
  private readonly stopSignal = new Promise<void>((resolve) => {
    this.wakeStop = resolve;
  });

  constructor(
    private readonly kafka: KafkaClient,
    private readonly opts: KafkaSubscriberOptions,
  ) {}

  healthy(): boolean {
    return this.state() === 'running';
  }

  state(): ConsumerState {
    if (this.stopping) return 'stopped';
    if (this.failed) return 'failed';
    if (!this.joined) return 'disconnected';
    return this.stalled.size > 0 ? 'retrying' : 'running';
  }

  async run(o: SubscribeOptions): Promise<void> {
    if (this.consumer) throw new Error('subscriber already running');
    const metrics = this.opts.registry ? consumerMetrics(this.opts.registry, o.groupId, () => this.state()) : undefined;
    const consumer = this.kafka.consumer({
      groupId: o.groupId,
      // Why 10 s: a killed replica's partitions move to a live one after the session times out;
      // 30 s (the default) would leave a third of the events waiting that long.
      sessionTimeout: this.opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: this.opts.fetchMaxWaitMs ?? 5000,
      // kafkajs restarts forever after a retriable error (a broker outage); readiness is false
      // while out of the group. Handler failures never reach it: they are retried in place.
      retry: { retries: 2 },
    });
    this.consumer = consumer;
    const committer = new OffsetCommitter((offsets) => consumer.commitOffsets(offsets), this.opts.logger);
    this.committer = committer;
    consumer.on(consumer.events.REBALANCING, () => {
      // The group hands partitions out again from their committed offsets: what is queued and not
      // started yet is fetched again, not run here now (in-flight handlers finish, uncommitted).
      this.generation++;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.generation++;
      for (const [where, lane] of this.lanes) {
        if (!lane.paused) continue;
        const [topic, partition] = where.split('\u0000');
        this.resume(topic!, Number(partition), lane);
      }
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.joined = false;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.joined = false;
      const err = e.payload.error;
      this.opts.logger?.error({ err, restart: e.payload.restart, groupId: o.groupId }, 'consumer crashed');
      if (!e.payload.restart && !this.stopping) this.fail(err);
    });

    await consumer.connect();
    await consumer.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning ?? false });
    const slots = new Slots(o.maxInFlight ?? o.partitionsConsumedConcurrently ?? 1);
    const countFailure = (topic: string) => metrics?.failures.inc({ group: o.groupId, topic });
    const maxBacklog = this.opts.maxBacklogPerPartition ?? 1000;
    await consumer.run({
      autoCommit: false,
      // Offsets are resolved for kafkajs as soon as a batch is queued (so it fetches on), and
      // committed by us only up to the last message whose handler (and every one before it) has
      // finished (see PartitionLane): a batch left halfway (rebalance, stop) resumes where it stopped.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
        const { topic, partition, messages } = batch;
        const live = () => isRunning() && !isStale() && !this.stopping && !this.failed;
        if (this.stopping || this.failed) {
          // Nothing more is queued; without the pause kafkajs would fetch the same batch in a loop.
          consumer.pause([{ topic, partitions: [partition] }]);
          return;
        }
        if (!live() || messages.length === 0) return;
        const lane = this.lane(topic, partition);
        const generation = this.generation;
        lane.add(
          messages,
          (message) =>
            slots.run(async () => {
              const current = () => live() && generation === this.generation;
              if (!current()) return 'skipped';
              return (await this.deliver(o, toIncoming(topic, partition, message), countFailure, current)) ? 'handled' : 'skipped';
            }),
          (offset) => {
            committer.handled(topic, partition, offset);
            if (lane.paused && lane.backlog <= maxBacklog / 2) this.resume(topic, partition, lane);
          },
        );
        resolveOffset(messages[messages.length - 1]!.offset);
        // A handler stuck in an outage holds back the committable offset: stop fetching this
        // partition once that many messages wait behind it, rather than buffer without bound.
        if (lane.backlog >= maxBacklog && !lane.paused) {
          lane.paused = true;
          consumer.pause([{ topic, partitions: [partition] }]);
        }
      },
    });
  }

  /** The partition's lane, started over if the group has rebalanced since it last fetched. */
  private lane(topic: string, partition: number): PartitionLane {
    const where = `${topic}\u0000${partition}`;
    let lane = this.lanes.get(where);
    if (!lane) this.lanes.set(where, (lane = new PartitionLane()));
    if (lane.generation !== this.generation) {
      if (lane.paused) this.resume(topic, partition, lane);
      lane.restart(this.generation);
    }
    return lane;
  }

  private resume(topic: string, partition: number, lane: PartitionLane): void {
    lane.paused = false;
    this.consumer?.resume([{ topic, partitions: [partition] }]);
  }

  /**
   * Runs the handler until it succeeds, however long that takes: a failure is a database or
   * broker outage, a deploy, a bug being fixed; the message may carry money, so it is never
   * skipped. Backoff is capped, so it resumes within seconds of the cause going away. Past
   * `handlerRetries` failures the consumer reports itself not ready until this message passes.
   * A poison message is parked on its dead-letter topic instead (or is fatal without one).
   * false: abandoned, uncommitted, because the group rebalanced meanwhile (it is fetched again).
   */
  private async deliver(
    o: SubscribeOptions,
    msg: IncomingMessage,
    countFailure: (topic: string) => void,
    current: () => boolean,
  ): Promise<boolean> {
    const where = `${msg.topic}\u0000${msg.partition}\u0000${msg.offset}`;
    const stallAfter = o.handlerRetries ?? 5;
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.stopping || this.failed) throw new Stopping('consumer stopping');
        // The group rebalanced while this message was retried: it is handed out again from its
        // committed offset (here or to another member), so this copy stops.
        if (attempt > 0 && !current()) return false;
        try {
          await inConsumerSpan(msg, o.groupId, () => o.handler(msg));
          return true;
        } catch (err) {
          if (err instanceof PoisonMessage && !this.opts.deadLetter) {
            this.fail(err);
            this.halt();
            throw err;
          }
          if (err instanceof PoisonMessage && (await this.parked(o, msg, err))) return true;
          countFailure(msg.topic);
          if (attempt >= stallAfter) this.stalled.add(where);
          const level = attempt >= stallAfter ? 'error' : 'warn';
          this.opts.logger?.[level](
            { err, topic: msg.topic, partition: msg.partition, offset: msg.offset, attempt },
            'handler failed, retrying in place',
          );
          // kafkajs keeps fetching (and heartbeating) meanwhile, so the group membership holds.
          await this.pause(backoffMs(attempt, this.opts.handlerBackoffBaseMs ?? 100, this.opts.handlerBackoffMaxMs ?? 2000));
        }
      }
    } finally {
      this.stalled.delete(where);
    }
  }

  /** A poison message goes to the dead-letter topic; false = could not park it now (broker down). */
  private async parked(o: SubscribeOptions, msg: IncomingMessage, err: unknown): Promise<boolean> {
    try {
      await parkMessage(this.opts.deadLetter!, msg, o.groupId, err);
    } catch (parkErr) {
      this.opts.logger?.warn({ err: parkErr, topic: msg.topic }, 'could not park a poison message; retrying');
      return false;
    }
    this.opts.logger?.error(
      { err, topic: msg.topic, partition: msg.partition, offset: msg.offset, deadLetterTopic: deadLetterTopic(msg.topic) },
      'poison message parked on the dead-letter topic',
    );
    this.opts.onDeadLetter?.(msg, err);
    return true;
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.opts.logger?.fatal({ err }, 'consumer cannot go on');
    this.opts.onFatal?.(err);
  }

  /** Leaves the group without committing the message in hand (it is handed out again later). */
  private halt(): void {
    const consumer = this.consumer;
    setImmediate(() => void consumer?.disconnect().catch(() => undefined));
  }

  private pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
      this.stopSignal,
    ]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeStop?.();
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    // Commits must land while we are still a group member: handlers running finish (queued ones
    // are skipped), their offsets are committed, and only then does kafkajs leave the group.
    await Promise.all([...this.lanes.values()].map((lane) => lane.drained()));
    await this.committer?.flush();
    await consumer.disconnect();
    this.joined = false;
  }
}

/** At most `size` handlers at once across every partition of the subscriber (a pool's worth). */
class Slots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy++;
    try {
      return await fn();
    } finally {
      const wake = this.waiting.shift();
      if (wake) wake();
      else this.busy--;
    }
  }
}

function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ? m.value.toString('utf8') : '',
    headers: headersToStrings(m.headers),
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}
