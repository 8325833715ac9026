/**
 * The per-row results table, in MLflow's `eval_results_table.json` format (pandas' "split"
 * orientation: `{columns, data}`): the row's own columns, the prediction, latency and token usage,
 * then `<metric>/score`, `<metric>/justification` and `<metric>/error` per metric.
 */
import type { MetricResult } from '../metric.js';

/** A table as `eval_results_table.json` stores it. */
export interface EvalTable {
  columns: string[];
  data: unknown[][];
}

/** One evaluated row before it becomes a table row. */
export interface TableRowInput {
  row: Readonly<Record<string, unknown>>;
  extra: Record<string, unknown>;
}

/** JSON cannot carry NaN or ±Infinity; the table stores them as null. */
function cell(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value === undefined ? null : value;
}

/**
 * Builds the table. `metricKey(result)` gives a metric's column prefix (e.g. `toxicity/v1`).
 *
 * @example buildResultsTable(rows, results, (result) => `${result.name}/v1`)
 */
export function buildResultsTable(
  rows: readonly TableRowInput[],
  results: readonly MetricResult[],
  metricKey: (result: MetricResult) => string,
): EvalTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  const add = (column: string) => {
    if (!seen.has(column)) {
      seen.add(column);
      columns.push(column);
    }
  };
  for (const { row, extra } of rows) {
    for (const column of Object.keys(row)) add(column);
    for (const column of Object.keys(extra)) add(column);
  }
  const metricColumns: { column: string; read: (index: number) => unknown }[] = [];
  for (const result of results) {
    const prefix = metricKey(result);
    metricColumns.push({ column: `${prefix}/score`, read: (index) => result.rows[index]?.score });
    if (result.rows.some((row) => row.rationale !== undefined)) {
      metricColumns.push({
        column: `${prefix}/justification`,
        read: (index) => result.rows[index]?.rationale,
      });
    }
    if (result.rows.some((row) => row.error !== undefined)) {
      metricColumns.push({
        column: `${prefix}/error`,
        read: (index) => {
          const error = result.rows[index]?.error;
          return error ? `${error.kind}: ${error.message}` : undefined;
        },
      });
    }
  }
  const baseColumns = [...columns];
  for (const { column } of metricColumns) columns.push(column);
  const data = rows.map(({ row, extra }, index) => [
    ...baseColumns.map((column) => cell(column in extra ? extra[column] : row[column])),
    ...metricColumns.map(({ read }) => cell(read(index))),
  ]);
  return { columns, data };
}

/** The table's rows as objects keyed by column. */
export function tableRecords(table: EvalTable): Record<string, unknown>[] {
  return table.data.map((values) =>
    Object.fromEntries(table.columns.map((column, index) => [column, values[index]])),
  );
}
