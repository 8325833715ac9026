import { api, mlflow } from '../api/client';
import type { Metric } from '../api/types';

/** Loads one metric's history for many runs at once (sampled by the server to max_results). */
export async function bulkHistory(
  runIds: string[],
  key: string,
  maxResults = 2000,
): Promise<Metric[]> {
  const answer = await api.get<{ metrics?: Metric[] }>(
    `${mlflow}/metrics/get-history-bulk-interval`,
    {
      run_ids: runIds,
      metric_key: key,
      max_results: maxResults,
    },
  );
  return answer.metrics ?? [];
}
