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
  /**
   * Failures in a row of one message after which the consumer reports itself not ready (it keeps
   * retrying that message in place, forever, with a capped backoff; it never skips it).
   */
  handlerRetries?: number;
  partitionsConsumedConcurrently?: number;
  /**
   * Handlers running at once across all partitions (default: partitionsConsumedConcurrently).
   * Messages of one partition with different keys run side by side; messages with the same key
   * never do and keep their order. Offsets are committed only past messages that are all done.
   */
  maxInFlight?: number;
}

export interface EventSubscriber {
  run(opts: SubscribeOptions): Promise<void>;
  stop(): Promise<void>;
  /** In its group and no handler stuck retrying: what readiness reports. */
  healthy(): boolean;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}


/** The request-id header, declared once in contracts; re-exported for consumers of this lib. */
export { REQUEST_ID_HEADER } from '@concert/contracts';
