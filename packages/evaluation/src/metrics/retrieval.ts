/**
 * Retrieval metrics as MLflow defines them for `model_type="retriever"`: precision@k, recall@k
 * and NDCG@k over retrieved document ids against ground-truth ids, binary relevance.
 */

type DocumentId = string | number;

/**
 * Share of the top-k retrieved documents that are relevant (0 when nothing was retrieved).
 *
 * @example precisionAtK(['a', 'x', 'b'], ['a', 'b'], 3) // 0.666…
 */
export function precisionAtK(
  retrieved: readonly DocumentId[],
  relevant: readonly DocumentId[],
  k: number,
): number {
  const top = retrieved.slice(0, k);
  if (top.length === 0) return 0;
  const truth = new Set(relevant);
  return top.filter((id) => truth.has(id)).length / top.length;
}

/**
 * Share of the relevant documents found in the top k (1 when there is nothing to find and nothing
 * was retrieved, 0 when nothing was relevant but something was retrieved).
 *
 * @example recallAtK(['a', 'x'], ['a', 'b'], 2) // 0.5
 */
export function recallAtK(
  retrieved: readonly DocumentId[],
  relevant: readonly DocumentId[],
  k: number,
): number {
  const truth = new Set(relevant);
  const top = new Set(retrieved.slice(0, k));
  if (truth.size > 0) return [...truth].filter((id) => top.has(id)).length / truth.size;
  return top.size === 0 ? 1 : 0;
}

/**
 * NDCG@k with binary relevance, as MLflow's `ndcg_at_k` (sklearn's `ndcg_score` with k = the
 * number of retrieved documents kept, a repeated relevant document counting again).
 *
 * @example ndcgAtK(['a', 'b'], ['a', 'b'], 3) // 1
 */
export function ndcgAtK(
  retrieved: readonly DocumentId[],
  relevant: readonly DocumentId[],
  k: number,
): number {
  if (retrieved.length === 0 && relevant.length === 0) return 1;
  if (retrieved.length === 0 || relevant.length === 0) return 0;
  const top = retrieved.slice(0, k);
  const truth = new Set(relevant);
  let relevantCount = truth.size;
  const seen = new Set<DocumentId>();
  let dcg = 0;
  top.forEach((id, rank) => {
    if (!truth.has(id)) return;
    // MLflow renames a repeated document and marks the copy relevant too, which also raises
    // the ideal DCG by one more relevant document.
    if (seen.has(id)) relevantCount++;
    seen.add(id);
    dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(top.length, relevantCount); rank++) {
    ideal += 1 / Math.log2(rank + 2);
  }
  return ideal === 0 ? 0 : dcg / ideal;
}
