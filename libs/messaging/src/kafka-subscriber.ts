import type { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { backoffMs, sleep } from './backoff';
import type { KafkaClient } from './kafka-client';
import { deadLetterTopic, parkMessage, PoisonMessage } from './dead-letter';
import { OffsetCommitter } from './offset-committer';
import type { EventPublisher, EventSubscriber, IncomingMessage, SubscribeOptions } from './types';

export interface KafkaSubscriberOptions {
  logger?: Logger;
  sessionTimeoutMs?: number;
  handlerBackoffBaseMs?: number;
  handlerBackoffMaxMs?: number;
  /** Longest a fetch waits on an idle partition; data that arrives earlier is returned at once. */
  fetchMaxWaitMs?: number;
  /**
   * Where a PoisonMessage goes (`<topic>.dlq`, see dead-letter.ts): parked there, its offset is
   * committed and the partition flows on. Without it a poison message stops the consumer.
   */
  deadLetter?: EventPublisher;
  /** Told about every parked message (metrics, alerts). */
  onDeadLetter?: (msg: IncomingMessage, err: unknown) => void;
}

export function createKafkaSubscriber(kafka: KafkaClient, opts: KafkaSubscriberOptions = {}): EventSubscriber {
  return new KafkaSubscriber(kafka, opts);
}

class KafkaSubscriber implements EventSubscriber {
  private consumer: Consumer | undefined;
  private committer: OffsetCommitter | undefined;
  private joined = false;
  private gaveUp = false;
  private stopping = false;
  private consecutiveCrashes = 0;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly opts: KafkaSubscriberOptions,
  ) {}

  healthy(): boolean {
    return this.joined && !this.gaveUp && !this.stopping;
  }

  async run(o: SubscribeOptions): Promise<void> {
    if (this.consumer) throw new Error('subscriber already running');
    const maxRestarts = o.maxRestarts ?? 5;
    const consumer = this.kafka.consumer({
      groupId: o.groupId,
      // Why 10 s: a killed replica's partitions move to a live one after the session times out;
      // 30 s (the default) would leave a third of the events waiting that long.
      sessionTimeout: this.opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: this.opts.fetchMaxWaitMs ?? 5000,
      retry: {
        retries: 2,
        // Why: the kafkajs default restarts forever, so a poison message would crash-loop while
        // the process looks alive; cap those and let readiness fail instead. A broker outage is
        // not poison: keep reconnecting (readiness is false while out of the group).
        restartOnFailure: async (err) => {
          if (!isHandlerFailure(err)) return true;
          return ++this.consecutiveCrashes <= maxRestarts;
        },
      },
    });
    this.consumer = consumer;
    const committer = new OffsetCommitter((offsets) => consumer.commitOffsets(offsets), this.opts.logger);
    this.committer = committer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.joined = false;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.opts.logger?.error({ err: e.payload.error, restart: e.payload.restart, groupId: o.groupId }, 'consumer crashed');
      this.joined = false;
      if (!e.payload.restart) this.gaveUp = true;
    });

    await consumer.connect();
    await consumer.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const msg = toIncoming(topic, partition, message);
        try {
          await this.handleWithRetries(o, msg, heartbeat);
        } catch (err) {
          if (await this.parked(o, msg, err)) {
            committer.handled(topic, partition, message.offset);
            return;
          }
          // The crash that follows restarts from the committed offset: make that the failed message.
          await committer.flush();
          throw new HandlerFailure(err);
        }
        committer.handled(topic, partition, message.offset);
        this.consecutiveCrashes = 0;
        // kafkajs leaves the group right after the last handler returns; commit before that.
        if (this.stopping) await committer.flush();
      },
    });
  }

  /** A poison message goes to the dead-letter topic when there is one; false = not parked. */
  private async parked(o: SubscribeOptions, msg: IncomingMessage, err: unknown): Promise<boolean> {
    if (!(err instanceof PoisonMessage) || !this.opts.deadLetter || this.stopping) return false;
    await parkMessage(this.opts.deadLetter, msg, o.groupId, err);
    this.opts.logger?.error(
      { err, topic: msg.topic, partition: msg.partition, offset: msg.offset, deadLetterTopic: deadLetterTopic(msg.topic) },
      'poison message parked on the dead-letter topic',
    );
    this.opts.onDeadLetter?.(msg, err);
    return true;
  }

  private async handleWithRetries(o: SubscribeOptions, msg: IncomingMessage, heartbeat: () => Promise<void>) {
    const retries = o.handlerRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        await o.handler(msg);
        return;
      } catch (err) {
        // Retrying a message that can never be processed only delays everything behind it.
        if (attempt >= retries || this.stopping || err instanceof PoisonMessage) throw err;
        this.opts.logger?.warn(
          { err, topic: msg.topic, partition: msg.partition, offset: msg.offset, attempt },
          'handler failed, retrying',
        );
        await sleep(backoffMs(attempt, this.opts.handlerBackoffBaseMs ?? 100, this.opts.handlerBackoffMaxMs ?? 3000));
        await heartbeat();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    // Commits must land while we are still a group member: flush now, handlers finishing from
    // here on flush themselves, and only then does kafkajs leave the group.
    await this.committer?.flush();
    await consumer.disconnect();
    this.joined = false;
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

/** Marks a crash caused by our handler (possibly a poison message), as opposed to the broker. */
class HandlerFailure extends Error {
  constructor(readonly original: unknown) {
    super(`handler failed: ${(original as Error)?.message ?? String(original)}`);
    this.name = 'HandlerFailure';
  }
}

function isHandlerFailure(err: unknown): boolean {
  for (let e = err as { name?: string; cause?: unknown; originalError?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e instanceof HandlerFailure || e.name === 'HandlerFailure') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}
