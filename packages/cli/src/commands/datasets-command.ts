import { loadRows } from '@cairn/evaluation';
import { type DatasetRecord, DatasetsClient } from '@cairn/sdk';
import { type Command, Option } from 'commander';
import { collectList, parsePositiveInteger } from './option-parsers.js';
import { formatTimestamp, printJson, printLine, renderTable } from './output-format.js';
import { resolveTrackingUri, trackingUriOption } from './tracking-client.js';

const expectationKeys = ['expectations', 'targets', 'ground_truth', 'expected_response'];

/**
 * A file row as a record: `inputs`/`expectations`/`tags` columns when the file has them (JSONL as
 * written by `cairn datasets export`), else `targets`-like columns become the expectations and the
 * rest the inputs.
 */
export function rowToRecord(row: Readonly<Record<string, unknown>>): DatasetRecord {
  if (
    row.inputs !== undefined &&
    (row.expectations !== undefined ||
      Object.keys(row).every((key) => ['inputs', 'expectations', 'tags'].includes(key)))
  ) {
    return row as unknown as DatasetRecord;
  }
  const inputs: Record<string, unknown> = {};
  let expectations: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(row)) {
    if (expectationKeys.includes(key)) {
      expectations ??= {};
      expectations[
        key === 'expectations' ? 'expected_response' : key === 'targets' ? 'expected_response' : key
      ] = value;
    } else {
      inputs[key] = value;
    }
  }
  return { inputs, ...(expectations ? { expectations } : {}) };
}

function printDataset(dataset: {
  dataset_id: string;
  name: string;
  version: number;
  digest: string;
  record_count: number;
  last_update_time: number;
}) {
  printLine(
    renderTable(
      ['name', 'id', 'version', 'records', 'digest', 'updated'],
      [
        [
          dataset.name,
          dataset.dataset_id,
          dataset.version,
          dataset.record_count,
          dataset.digest,
          formatTimestamp(dataset.last_update_time),
        ],
      ],
    ),
  );
}

/** `cairn datasets create|add|get|versions|from-traces`: evaluation datasets on the server. */
export function datasetsCommand(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('Versioned evaluation datasets on a tracking server.');
  const output = () =>
    new Option('--output <format>', 'output format').choices(['table', 'json']).default('table');

  datasets
    .command('create')
    .description(
      'Create a dataset from a JSONL or CSV file.\nExample: cairn datasets create qa --file qa.jsonl',
    )
    .argument('<name>', 'dataset name')
    .option('-f, --file <path>', 'JSONL or CSV file of records')
    .option('-x, --experiment-id <id>', 'experiment the dataset belongs to')
    .option('--description <text>', 'what the dataset holds')
    .addOption(output())
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        options: {
          file?: string;
          experimentId?: string;
          description?: string;
          output: string;
          trackingUri?: string;
        },
      ) => {
        const client = new DatasetsClient(resolveTrackingUri(options.trackingUri));
        const records = options.file ? (await loadRows(options.file)).map(rowToRecord) : [];
        const dataset = await client.create(name, {
          records,
          ...(options.experimentId ? { experimentId: options.experimentId } : {}),
          ...(options.description ? { description: options.description } : {}),
          ...(options.file ? { source: `file:${options.file}` } : {}),
        });
        if (options.output === 'json') printJson(dataset);
        else printDataset(dataset);
      },
    );

  datasets
    .command('add')
    .description('Add the records of a file to a dataset (a new version).')
    .argument('<name>', 'dataset name or id')
    .requiredOption('-f, --file <path>', 'JSONL or CSV file of records')
    .addOption(output())
    .addOption(trackingUriOption())
    .action(
      async (name: string, options: { file: string; output: string; trackingUri?: string }) => {
        const client = new DatasetsClient(resolveTrackingUri(options.trackingUri));
        const records = (await loadRows(options.file)).map(rowToRecord);
        const dataset = await client.addRecords(name, records, `file:${options.file}`);
        if (options.output === 'json') printJson(dataset);
        else printDataset(dataset);
      },
    );

  datasets
    .command('get')
    .description("Show a dataset, or with --records print a version's records as JSON lines.")
    .argument('<name>', 'dataset name or id')
    .option('--records', 'print the records (JSON lines)')
    .option('--dataset-version <n>', 'version to print (default latest)', parsePositiveInteger)
    .addOption(output())
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        options: {
          records?: boolean;
          datasetVersion?: number;
          output: string;
          trackingUri?: string;
        },
      ) => {
        const client = new DatasetsClient(resolveTrackingUri(options.trackingUri));
        if (options.records) {
          const { records } = await client.records(name, options.datasetVersion);
          for (const record of records) printLine(JSON.stringify(record));
          return;
        }
        const dataset = await client.get(name);
        if (options.output === 'json') printJson(dataset);
        else printDataset(dataset);
      },
    );

  datasets
    .command('versions')
    .description('List the versions of a dataset with their digests.')
    .argument('<name>', 'dataset name or id')
    .addOption(trackingUriOption())
    .action(async (name: string, options: { trackingUri?: string }) => {
      const client = new DatasetsClient(resolveTrackingUri(options.trackingUri));
      const versions = await client.versions(name);
      printLine(
        renderTable(
          ['version', 'records', 'digest', 'source', 'created'],
          versions.map((version) => [
            version.version,
            version.record_count,
            version.digest,
            version.source ?? '',
            formatTimestamp(version.created_time),
          ]),
        ),
      );
    });

  datasets
    .command('from-traces')
    .description(
      'Add production traces to a dataset (created when missing): by id, or by experiment and filter.\n' +
        `Example: cairn datasets from-traces hard-cases -x 1 --filter "feedback.thumbs = 'down'"`,
    )
    .argument('<name>', 'dataset name')
    .option('--trace-id <id>', 'a trace to add; repeat for several', collectList)
    .option('-x, --experiment-id <id>', 'experiment to search; repeat for several', collectList)
    .option('--filter <filter>', 'trace filter, e.g. "trace.status = \'OK\'"')
    .option('--max-traces <n>', 'at most n traces (default 100)', parsePositiveInteger, 100)
    .addOption(output())
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        options: {
          traceId?: string[];
          experimentId?: string[];
          filter?: string;
          maxTraces: number;
          output: string;
          trackingUri?: string;
        },
      ) => {
        const client = new DatasetsClient(resolveTrackingUri(options.trackingUri));
        const result = await client.fromTraces(name, {
          ...(options.traceId ? { traceIds: options.traceId } : {}),
          ...(options.experimentId ? { experimentIds: options.experimentId } : {}),
          ...(options.filter ? { filter: options.filter } : {}),
          maxTraces: options.maxTraces,
        });
        if (options.output === 'json') printJson(result);
        else {
          printLine(`added ${result.added} records`);
          printDataset(result.dataset);
        }
      },
    );
}
