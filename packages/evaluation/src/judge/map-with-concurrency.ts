/**
 * Bounded concurrency for judge calls: runs `task` over `items` with at most `limit` in flight,
 * starting the next as soon as one settles, and returns results in input order.
 */

/**
 * Maps `items` through `task` with at most `limit` tasks running at once. `task` should not
 * throw (judge metrics turn failures into row errors); a throw rejects the whole map.
 *
 * @example await mapWithConcurrency([1, 2, 3], 2, async (n) => n * 2) // [2, 4, 6]
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
