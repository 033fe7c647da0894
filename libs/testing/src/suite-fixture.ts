import { afterAll, beforeAll } from 'vitest';

/**
 * Something a test file opens once before its tests and closes after them. The getter is for
 * tests and hooks: while the file is being collected nothing is open yet.
 */
export function openForSuite<T extends { close(): Promise<unknown> }>(open: () => Promise<T>): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await open();
  });
  afterAll(() => value?.close());
  return () => {
    if (!value) throw new Error('openForSuite: read it inside a test or hook');
    return value;
  };
}
