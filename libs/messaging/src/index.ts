export * from './types';
export { createKafka, parseBrokers, type KafkaClient, type KafkaClientOptions } from './kafka-client';
export { ensureTopics, deleteTopics, listTopics } from './topics';
export { createKafkaPublisher, type KafkaPublisherOptions } from './kafka-publisher';
export { createKafkaSubscriber, type KafkaSubscriberOptions } from './kafka-subscriber';
export { backoffMs } from './backoff';
export { PoisonMessage, deadLetterTopic, DEAD_LETTER_HEADERS } from './dead-letter';
export { deadLetterCounts, readDeadLetters, replayMessage, type DeadLetter } from './dead-letter-reader';
