/**
 * Deletes the topics that test runs left in their throwaway namespaces (anything but the
 * platform's own topics and Kafka's internal ones): a broker holding thousands of partitions
 * starts slowly. Run by scripts/test.sh before the tests.
 */
import { TOPICS } from '@concert/contracts';
import { createKafka, deleteTopics, listTopics } from '@concert/messaging';

const keep = new Set<string>(Object.values(TOPICS));
const kafka = createKafka({ clientId: 'prune-topics', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',') });

async function main(): Promise<void> {
  const stale = (await listTopics(kafka)).filter((t) => !t.startsWith('__') && !keep.has(t));
  for (let i = 0; i < stale.length; i += 100) await deleteTopics(kafka, stale.slice(i, i + 100));
  console.log(`[concert] pruned ${stale.length} leftover test topics`);
}

main().catch((err) => {
  console.error('[concert] topic pruning failed (continuing):', (err as Error).message);
});
