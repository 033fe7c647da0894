import { z } from 'zod';
import { EVENT_CATALOG } from './events/catalog';

/** AsyncAPI 3.0 document of every topic, generated from the same zod schemas the code validates with. */
export function buildAsyncApiDocument(version = '1.0.0') {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [topic, entry] of Object.entries(EVENT_CATALOG)) {
    const id = topic.replace(/[^A-Za-z0-9]/g, '_');
    messages[id] = {
      name: topic,
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: { 'x-event-id': { type: 'string' }, 'x-event-type': { type: 'string' }, 'x-request-id': { type: 'string' } },
      },
      payload: z.toJSONSchema(entry.schema, { io: 'output', unrepresentable: 'any' }),
      bindings: { kafka: { key: { type: 'string', description: 'aggregate id (reservation id)' } } },
    };
    channels[id] = { address: topic, messages: { [id]: { $ref: `#/components/messages/${id}` } } };
    operations[`publish_${id}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: `${entry.producer} publishes`,
    };
    for (const consumer of entry.consumers) {
      operations[`${consumer}_receives_${id}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        summary: `${consumer} consumes`,
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'Concert booking events', version },
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka' } },
    channels,
    operations,
    components: { messages },
  };
}
