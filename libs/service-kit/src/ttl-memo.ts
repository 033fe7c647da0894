/**
 * Promises kept per key for `ttlMs` and shared by concurrent callers (single flight): a burst of
 * requests for the same hot row costs one lookup. A rejected lookup is forgotten at once;
 * `ttlMs` 0 turns the memo off.
 */
export function createTtlMemo<V>(ttlMs: number, maxEntries = 10_000) {
  const entries = new Map<string, { at: number; value: Promise<V> }>();
  return {
    get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = load();
      if (ttlMs > 0) {
        if (entries.size >= maxEntries) entries.clear();
        entries.set(key, { at: Date.now(), value });
        value.catch(() => entries.delete(key));
      }
      return value;
    },
    forget(key: string): void {
      entries.delete(key);
    },
  };
}
export type TtlMemo<V> = ReturnType<typeof createTtlMemo<V>>;
