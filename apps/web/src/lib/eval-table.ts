import { api } from '../api/client';

/** The artifact MLflow's evaluate writes its per-row results to. */
export const evalTablePath = 'eval_results_table.json';

/** Per-row evaluation results as a table (pandas "split" layout). */
export interface EvalTable {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Loads and parses a run's eval_results_table.json. */
export async function loadEvalTable(runId: string): Promise<EvalTable> {
  const text = await api.text('/get-artifact', { run_id: runId, path: evalTablePath });
  const parsed = JSON.parse(text) as
    | { columns?: string[]; data?: unknown[][] }
    | Record<string, unknown>[];
  if (Array.isArray(parsed)) {
    const columns = [...new Set(parsed.flatMap((row) => Object.keys(row)))];
    return { columns, rows: parsed };
  }
  const columns = parsed.columns ?? [];
  const rows = (parsed.data ?? []).map((values) =>
    Object.fromEntries(columns.map((column, index) => [column, values[index]])),
  );
  return { columns, rows };
}

/** Score columns: `<metric>/score`, `score`, or `<metric>/v1/score`. */
export function scoreColumns(table: EvalTable): string[] {
  return table.columns.filter((column) => /(^|\/)score$/.test(column));
}

/** The rationale column that goes with a score column, if the table has one. */
export function rationaleColumn(table: EvalTable, score: string): string | undefined {
  const base = score.replace(/score$/, '');
  return table.columns.find(
    (column) => column === `${base}justification` || column === `${base}rationale`,
  );
}

/** True when a score means the row failed: false, "no"/"fail", or a number under 0.5. */
export function isFailure(value: unknown): boolean {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return value < 0.5;
  if (typeof value === 'string') return /^(no|fail|failed|false|incorrect)$/i.test(value.trim());
  return false;
}

/** Number of a score for deltas (booleans count as 0/1). */
export function scoreNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = Number(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(number)
    ? number
    : undefined;
}

/** A row's identity for lining up two runs: its inputs when present, else its position. */
export function rowKey(row: Record<string, unknown>, index: number): string {
  const inputs = row.inputs ?? row.input ?? row.question ?? row.request;
  return inputs === undefined
    ? `#${index}`
    : typeof inputs === 'string'
      ? inputs
      : JSON.stringify(inputs);
}
