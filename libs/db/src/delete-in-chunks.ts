/**
 * Runs a bounded DELETE (`deleteChunk(limit)` returns the rows it removed) until a chunk comes
 * back short, so retention cleanups never hold locks on a large table for long.
 */
export async function deleteInChunks(deleteChunk: (limit: number) => Promise<number>, chunk = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteChunk(chunk);
    total += n;
    if (n < chunk) return total;
  }
}
