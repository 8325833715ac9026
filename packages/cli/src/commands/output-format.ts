import Table from 'cli-table3';

/** Writes one line (or block) to standard output. */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a value as indented JSON to standard output. */
export function printJson(value: unknown): void {
  printLine(JSON.stringify(value, null, 2));
}

/** Renders rows as a bordered text table with the given column headers. */
export function renderTable(headers: string[], rows: (string | number)[][]): string {
  const table = new Table({ head: headers, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  return table.toString();
}

/** Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS` UTC; blank when absent. */
export function formatTimestamp(milliseconds: number | undefined): string {
  if (milliseconds === undefined || milliseconds === null) return '';
  return new Date(Number(milliseconds)).toISOString().replace('T', ' ').slice(0, 19);
}
