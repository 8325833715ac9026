import type { DatasetInput, Metric, Param, Run, Tag } from '@cairn/spec';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/index.js';
import { datasetInputToJson, metricToJson, runInfoToJson } from './wire-format.js';

const chunkSize = 500;

function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/**
 * Loads whole runs (info, latest metrics, params, tags, dataset inputs) for many ids with one
 * query per table per chunk, returned in the order of `runIds`; unknown ids are skipped.
 */
export async function loadRuns(
  db: Kysely<DatabaseSchema>,
  runIds: readonly string[],
): Promise<Run[]> {
  const found = new Map<string, Run>();
  for (let start = 0; start < runIds.length; start += chunkSize) {
    const chunk = runIds.slice(start, start + chunkSize);
    const [rows, metrics, params, tags, inputs] = await Promise.all([
      db.selectFrom('runs').selectAll().where('run_uuid', 'in', chunk).execute(),
      db
        .selectFrom('latest_metrics')
        .selectAll()
        .where('run_uuid', 'in', chunk)
        .orderBy('key')
        .execute(),
      db.selectFrom('params').selectAll().where('run_uuid', 'in', chunk).orderBy('key').execute(),
      db.selectFrom('tags').selectAll().where('run_uuid', 'in', chunk).orderBy('key').execute(),
      loadDatasetInputs(db, chunk),
    ]);
    const metricsByRun = new Map<string, Metric[]>();
    for (const metric of metrics) pushTo(metricsByRun, metric.run_uuid, metricToJson(metric));
    const paramsByRun = new Map<string, Param[]>();
    for (const param of params) {
      pushTo(paramsByRun, param.run_uuid, { key: param.key, value: param.value });
    }
    const tagsByRun = new Map<string, Tag[]>();
    for (const tag of tags) pushTo(tagsByRun, tag.run_uuid, { key: tag.key, value: tag.value });
    for (const row of rows) {
      const data: Run['data'] = {};
      const runMetrics = metricsByRun.get(row.run_uuid);
      const runParams = paramsByRun.get(row.run_uuid);
      const runTags = tagsByRun.get(row.run_uuid);
      // Protobuf's JSON omits empty repeated fields.
      if (runMetrics) data.metrics = runMetrics;
      if (runParams) data.params = runParams;
      if (runTags) data.tags = runTags;
      const runInputs = inputs.get(row.run_uuid);
      found.set(row.run_uuid, {
        info: runInfoToJson(row),
        data,
        inputs: runInputs ? { dataset_inputs: runInputs } : {},
      });
    }
  }
  return runIds.flatMap((runId) => found.get(runId) ?? []);
}

async function loadDatasetInputs(
  db: Kysely<DatabaseSchema>,
  runIds: readonly string[],
): Promise<Map<string, DatasetInput[]>> {
  const links = await db
    .selectFrom('inputs')
    .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
    .selectAll('datasets')
    .select(['inputs.input_uuid', 'inputs.destination_id'])
    .where('inputs.destination_type', '=', 'RUN')
    .where('inputs.source_type', '=', 'DATASET')
    .where('inputs.destination_id', 'in', runIds)
    .orderBy('datasets.name')
    .orderBy('inputs.input_uuid')
    .execute();
  const byRun = new Map<string, DatasetInput[]>();
  if (links.length === 0) return byRun;
  const tagRows = await db
    .selectFrom('input_tags')
    .selectAll()
    .where(
      'input_uuid',
      'in',
      links.map((link) => link.input_uuid),
    )
    .orderBy('name')
    .execute();
  const tagsByInput = new Map<string, Tag[]>();
  for (const tag of tagRows)
    pushTo(tagsByInput, tag.input_uuid, { key: tag.name, value: tag.value });
  for (const link of links) {
    pushTo(
      byRun,
      link.destination_id,
      datasetInputToJson(link, tagsByInput.get(link.input_uuid) ?? []),
    );
  }
  return byRun;
}
