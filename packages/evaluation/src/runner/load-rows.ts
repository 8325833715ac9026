/**
 * Evaluation data from wherever it lives: an in-memory array of rows, or a CSV (header row
 * names the columns) or JSON Lines file. Bad files fail with the line that is wrong.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { EvalRow } from '../metric.js';

// csv-parse is required on the first CSV file, so importing this package stays cheap.
let parseCsv: typeof import('csv-parse/sync').parse | undefined;

/** Rows in memory, or the path of a `.csv` / `.jsonl` (`.ndjson`, `.json` array) file. */
export type EvalData = readonly EvalRow[] | string;

/**
 * Reads evaluation rows: arrays pass through (each row must be an object), files are parsed by
 * their extension.
 *
 * @example const rows = await loadRows('qa.jsonl');
 */
export async function loadRows(data: EvalData): Promise<EvalRow[]> {
  if (typeof data !== 'string') {
    if (!Array.isArray(data)) throw new TypeError('data must be an array of rows or a file path');
    data.forEach((row, index) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new TypeError(`data[${index}] is not an object of named columns`);
      }
    });
    return [...data];
  }
  const text = await readFile(data, 'utf8');
  return parseRowsText(text, extname(data).toLowerCase() === '.csv' ? 'csv' : 'jsonl', data);
}

/** Parses CSV or JSON Lines text (a `.json` array is accepted as JSONL's cousin). */
export function parseRowsText(text: string, format: 'csv' | 'jsonl', source = 'data'): EvalRow[] {
  if (format === 'csv') {
    parseCsv ??= (
      createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync')
    ).parse;
    try {
      return parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, trim: false });
    } catch (error) {
      throw new SyntaxError(`${source}: invalid CSV: ${(error as Error).message}`);
    }
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed)) throw new SyntaxError(`${source}: expected a JSON array of rows`);
    return parsed.map((row, index) => objectRow(row, `${source}[${index}]`));
  }
  const rows: EvalRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new SyntaxError(`${source}:${index + 1}: invalid JSON: ${(error as Error).message}`);
    }
    rows.push(objectRow(parsed, `${source}:${index + 1}`));
  });
  return rows;
}

function objectRow(value: unknown, where: string): EvalRow {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SyntaxError(`${where}: a row must be a JSON object`);
  }
  return value as EvalRow;
}
