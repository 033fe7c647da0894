import type { KafkaMessage } from 'kafkajs';

/**
 * Runs one message's handler; resolves once it succeeded or was skipped (the consumer stops or
 * the group rebalanced since the fetch), rejects when the consumer is going down.
 */
export type RunMessage = (message: KafkaMessage) => Promise<'handled' | 'skipped'>;

/**
 * One partition's messages from the moment they are fetched until their offset may be committed.
 * Why not kafkajs' own flow: it fetches again only once every batch of the last fetch has been
 * handled, so an event arriving meanwhile waited for the slowest handler of another partition or
 * key. Here a batch is queued and kafkajs fetches on while the handlers run.
 *
 * Messages of one key run one after the other, in offset order; different keys side by side.
 * `committable` only ever moves past a message once it and every earlier one is handled, so the
 * consumer's at-least-once guarantee is the same as with handlers awaited inside eachBatch.
 */
export class PartitionLane {
  /** Fetched and not yet behind the committable prefix, in offset order. */
  private readonly window: Array<{ offset: string; done: boolean }> = [];
  /** The last queued handler of each key: the next message of that key runs after it. */
  private readonly tails = new Map<string, Promise<unknown>>();
  /** The offset the next queued message must have; earlier ones are already queued. */
  private expected: bigint | undefined;
  /** Group generation this lane's window belongs to (see restart()). */
  generation = -1;
  paused = false;

  /** Messages fetched but not yet committable: what back-pressure counts. */
  get backlog(): number {
    return this.window.length;
  }

  /**
   * A new group generation: kafkajs fetches again from the committed offset, so the window starts
   * over. Handlers still running finish; messages of the old generation not yet started are
   * skipped (they are fetched again). The key tails stay, so a re-fetched message of a key waits
   * for that key's handler still running: one key never runs twice at once.
   */
  restart(generation: number): void {
    this.generation = generation;
    this.window.length = 0;
    this.expected = undefined;
  }

  /**
   * Queues the batch's messages behind their keys. `onCommittable` is told the offset of the last
   * message of a handled prefix whenever the prefix grows.
   */
  add(messages: KafkaMessage[], run: RunMessage, onCommittable: (offset: string) => void): void {
    const generation = this.generation;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      if (this.expected !== undefined && offset < this.expected) continue;
      this.expected = offset + 1n;
      const entry = { offset: message.offset, done: false };
      this.window.push(entry);
      const key = message.key ? `k${message.key.toString('latin1')}` : 'none';
      const current = () => generation === this.generation;
      // After the key's previous message, however it ended: a handler rejects only when the
      // consumer is going down, and then `run` skips whatever comes next.
      const tail = (this.tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(async () => {
        if (!current() || (await run(message)) === 'skipped' || !current()) return;
        entry.done = true;
        let last: string | undefined;
        while (this.window[0]?.done) last = this.window.shift()!.offset;
        if (last !== undefined) onCommittable(last);
      });
      this.tails.set(key, tail);
      void tail.catch(() => undefined).finally(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    }
  }

  /** Settles once every handler queued so far has finished or been skipped. */
  async drained(): Promise<void> {
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }
}
