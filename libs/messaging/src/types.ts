export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface EventPublisher {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Resolves once every message is acknowledged; order within one topic+key follows the array. */
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export type MessageHandler = (msg: IncomingMessage) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  handler: MessageHandler;
  fromBeginning?: boolean;
  /** In-place retries of a failing handler before the consumer crashes and restarts. */
  handlerRetries?: number;
  /** Consecutive crashes tolerated; after that the consumer stays down and healthy() is false. */
  maxRestarts?: number;
  partitionsConsumedConcurrently?: number;
}

export interface EventSubscriber {
  run(opts: SubscribeOptions): Promise<void>;
  stop(): Promise<void>;
  healthy(): boolean;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export const REQUEST_ID_HEADER = 'x-request-id';
