import { REQUEST_ID_HEADER, topicName, type Topic } from '@concert/contracts';
import { consumeWithInbox, type InboxEnvelope } from '@concert/db';
import type { IncomingMessage } from '@concert/messaging';
import { requestContext } from '@concert/service-kit';
import type { z } from 'zod';
import type { PaymentTx } from '../data-access/db';
import { inbox } from '../data-access/schema';
import type { PaymentDeps } from './deps';

export interface HandlerContext {
  deps: PaymentDeps;
  msg: IncomingMessage;
  /** Runs once the inbox transaction has committed (cache refresh, metrics). */
  afterCommit(fn: () => Promise<void>): void;
}

export interface EventHandler<S extends z.ZodTypeAny> {
  topic: Topic;
  schema: S;
  handle(tx: PaymentTx, event: z.infer<S>, ctx: HandlerContext): Promise<void>;
}

export const INBOX_CONSUMER = 'payment-service';

/**
 * One Kafka handler for all consumed topics: the event id goes into the inbox in the same
 * transaction as the effect, so a redelivered event changes nothing. An event that breaks its
 * contract is a PoisonMessage: parked on the dead-letter topic (kept, not skipped), since
 * retrying it forever would stall its partition.
 */
export function createEventDispatcher(deps: PaymentDeps, handlers: EventHandler<z.ZodTypeAny>[]) {
  const byTopic = new Map(handlers.map((h) => [topicName(h.topic, deps.config.KAFKA_TOPIC_PREFIX), h]));
  const topics = [...byTopic.keys()];

  async function handle(msg: IncomingMessage): Promise<void> {
    const handler = byTopic.get(msg.topic);
    if (!handler) return;
    const after: Array<() => Promise<void>> = [];
    const requestId = msg.headers[REQUEST_ID_HEADER];
    const run = consumeWithInbox({
      db: deps.db,
      inbox,
      consumer: INBOX_CONSUMER,
      parse: (raw) => handler.schema.parse(raw) as InboxEnvelope,
      handler: async (tx, event) => {
        await handler.handle(tx, event, { deps, msg, afterCommit: (fn) => after.push(fn) });
      },
    });
    const work = async () => {
      await run(msg);
      for (const fn of after) await fn().catch((err) => deps.logger.warn({ err }, 'after-commit step failed'));
    };
    await (requestId ? requestContext.run({ requestId }, work) : work());
  }

  return { topics, handle };
}
