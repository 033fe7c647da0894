import type { EventPublisher, IncomingMessage } from './types';

/**
 * Thrown by a handler for a message it can never process, whatever the retry (not JSON, not the
 * contract's shape). Such a message is parked on the dead-letter topic instead of stopping its
 * partition; any other error is treated as transient and retried in place.
 */
export class PoisonMessage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessage';
  }
}

export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/** Headers that tell an operator where a parked message came from and why. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dlq-reason',
  topic: 'x-dlq-source-topic',
  partition: 'x-dlq-source-partition',
  offset: 'x-dlq-source-offset',
  group: 'x-dlq-consumer-group',
} as const;

export async function parkMessage(publisher: EventPublisher, msg: IncomingMessage, groupId: string, err: unknown): Promise<void> {
  await publisher.publish([
    {
      topic: deadLetterTopic(msg.topic),
      key: msg.key ?? '',
      value: msg.value,
      headers: {
        ...msg.headers,
        [DEAD_LETTER_HEADERS.reason]: ((err as Error)?.message ?? String(err)).slice(0, 1000),
        [DEAD_LETTER_HEADERS.topic]: msg.topic,
        [DEAD_LETTER_HEADERS.partition]: String(msg.partition),
        [DEAD_LETTER_HEADERS.offset]: msg.offset,
        [DEAD_LETTER_HEADERS.group]: groupId,
      },
    },
  ]);
}
