import type { EvalTable } from '@cairn/evaluation';
import type { ArtifactRepository } from '../artifacts/index.js';
import { proxiedArtifactPath } from '../artifacts/index.js';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import type { Storage } from '../storage/index.js';

/** What comparison needs of an evaluation run: its metrics, its table and metric directions. */
export interface RunEvaluation {
  runId: string;
  runName: string;
  metrics: Record<string, number>;
  table: EvalTable;
  greaterIsBetter: Record<string, boolean>;
}

/** The run tag holding each metric's direction (`{"toxicity": false, …}`). */
export const metricDirectionsTag = 'cairn.evaluation.greater_is_better';
const tableFile = 'eval_results_table.json';
const maxTableBytes = 256 * 1024 * 1024;

async function readText(body: NodeJS.ReadableStream, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) throw invalidParameter(`${tableFile} is larger than ${limit} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Loads an evaluation run: latest metrics, tags and its `eval_results_table.json` artifact. */
export async function loadRunEvaluation(
  storage: Storage,
  artifacts: ArtifactRepository,
  runId: string,
): Promise<RunEvaluation> {
  const run = await storage.db
    .selectFrom('runs')
    .select(['run_uuid', 'name', 'artifact_uri'])
    .where('run_uuid', '=', runId)
    .executeTakeFirst();
  if (!run) throw resourceDoesNotExist(`Run with id=${runId} not found`);
  const metricRows = await storage.db
    .selectFrom('latest_metrics')
    .select(['key', 'value', 'is_nan'])
    .where('run_uuid', '=', runId)
    .execute();
  const metrics: Record<string, number> = {};
  for (const row of metricRows) metrics[row.key] = row.is_nan ? Number.NaN : Number(row.value);
  const tag = await storage.db
    .selectFrom('tags')
    .select('value')
    .where('run_uuid', '=', runId)
    .where('key', '=', metricDirectionsTag)
    .executeTakeFirst();
  let greaterIsBetter: Record<string, boolean> = {};
  try {
    greaterIsBetter = tag ? (JSON.parse(tag.value) as Record<string, boolean>) : {};
  } catch {
    // A hand-edited tag that is not JSON: fall back to the built-in directions.
  }
  const path = `${proxiedArtifactPath(run.artifact_uri).replace(/\/+$/, '')}/${tableFile}`;
  let download: Awaited<ReturnType<ArtifactRepository['get']>>;
  try {
    download = await artifacts.get(path);
  } catch {
    throw resourceDoesNotExist(`Run ${runId} has no ${tableFile}; is it an evaluation run?`);
  }
  let table: EvalTable;
  try {
    table = JSON.parse(await readText(download.body, maxTableBytes)) as EvalTable;
  } catch (error) {
    throw invalidParameter(
      `Run ${runId}: ${tableFile} is not valid JSON (${(error as Error).message}).`,
    );
  }
  if (!Array.isArray(table?.columns) || !Array.isArray(table?.data)) {
    throw invalidParameter(`Run ${runId}: ${tableFile} has no columns/data.`);
  }
  return { runId, runName: run.name, metrics, table, greaterIsBetter };
}
