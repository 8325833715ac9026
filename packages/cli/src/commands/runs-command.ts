import type { Run, ViewType } from '@cairn/spec';
import { type Command, Option } from 'commander';
import { collectList, parsePositiveInteger } from './option-parsers.js';
import { formatTimestamp, printJson, printLine, renderTable } from './output-format.js';
import { trackingUriOption, withTrackingClient } from './tracking-client.js';

const viewTypes: Record<string, ViewType> = {
  active: 'ACTIVE_ONLY',
  deleted: 'DELETED_ONLY',
  all: 'ALL',
};

/** `cairn runs list|get`: search and inspect runs on a tracking server. */
export function runsCommand(program: Command): void {
  const runs = program.command('runs').description('Search and inspect runs on a tracking server.');

  runs
    .command('list')
    .description(
      'List the runs of one or more experiments, newest first unless --order-by says otherwise.\n' +
        'Example:\n' +
        `  cairn runs list --experiment-id 1 --filter "metrics.acc > 0.9 and params.model = 'gpt-4'" \\\n` +
        `    --order-by "metrics.acc DESC" --max-results 20`,
    )
    .requiredOption(
      '-x, --experiment-id <id>',
      'experiment to search; repeat for several',
      collectList,
    )
    .option('--filter <filter>', 'MLflow filter: metrics.<k>, params.<k>, tags.<k>, attributes')
    .option(
      '--order-by <clause>',
      "sort key, e.g. 'metrics.acc DESC'; repeat for more",
      collectList,
    )
    .option('--max-results <n>', 'show at most n runs (default 100)', parsePositiveInteger, 100)
    .addOption(
      new Option('--view <view>', 'which runs to show')
        .choices(Object.keys(viewTypes))
        .default('active'),
    )
    .addOption(
      new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(trackingUriOption())
    .action(
      async (options: {
        experimentId: string[];
        filter?: string;
        orderBy?: string[];
        maxResults: number;
        view: string;
        output: 'table' | 'json';
        trackingUri?: string;
      }) => {
        const experimentIds = options.experimentId.flatMap((id) => id.split(',')).filter(Boolean);
        const found = await withTrackingClient(options.trackingUri, async (client) => {
          const collected: Run[] = [];
          let pageToken: string | undefined;
          do {
            const page = await client.searchRuns(experimentIds, {
              filter: options.filter,
              orderBy: options.orderBy,
              maxResults: Math.min(options.maxResults - collected.length, 50_000),
              runViewType: viewTypes[options.view],
              pageToken,
            });
            collected.push(...page.items);
            pageToken = page.nextPageToken;
          } while (pageToken && collected.length < options.maxResults);
          return collected;
        });
        if (options.output === 'json') return printJson(found);
        if (found.length === 0) return printLine('No runs match.');
        printLine(
          renderTable(
            ['Run Id', 'Name', 'Status', 'Started', 'Metrics'],
            found.map((run) => [
              run.info.run_id,
              run.info.run_name ?? '',
              run.info.status,
              formatTimestamp(run.info.start_time),
              summarizeMetrics(run),
            ]),
          ),
        );
      },
    );

  runs
    .command('get')
    .description('Show one run: its info, parameters, latest metrics and tags.')
    .argument('<run_id>', 'the run to show')
    .addOption(
      new Option('--output <format>', 'output format').choices(['json', 'table']).default('json'),
    )
    .addOption(trackingUriOption())
    .action(async (runId: string, options: { output: 'json' | 'table'; trackingUri?: string }) => {
      const run = await withTrackingClient(options.trackingUri, (client) => client.getRun(runId));
      if (options.output === 'json') return printJson(run);
      printLine(renderRun(run));
    });
}

/** The first few latest metric values of a run, as `key=value` pairs. */
function summarizeMetrics(run: Run): string {
  const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const shown = metrics.slice(0, 4).map((metric) => `${metric.key}=${formatValue(metric.value)}`);
  if (metrics.length > shown.length) shown.push(`(+${metrics.length - shown.length} more)`);
  return shown.join(' ');
}

function formatValue(value: number | string): string {
  return typeof value === 'number' && !Number.isInteger(value)
    ? value.toPrecision(6)
    : String(value);
}

/** A run as key/value tables: info, then parameters, metrics and tags. */
function renderRun(run: Run): string {
  const info = run.info;
  const sections = [
    renderTable(
      ['Field', 'Value'],
      [
        ['run_id', info.run_id],
        ['run_name', info.run_name ?? ''],
        ['experiment_id', info.experiment_id],
        ['status', info.status],
        ['start_time', formatTimestamp(info.start_time)],
        ['end_time', formatTimestamp(info.end_time)],
        ['artifact_uri', info.artifact_uri],
        ['lifecycle_stage', info.lifecycle_stage],
        ['user_id', info.user_id ?? ''],
      ],
    ),
  ];
  const byKey = <T extends { key: string }>(items: T[] | undefined) =>
    [...(items ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const params = byKey(run.data.params);
  if (params.length > 0) {
    sections.push(
      renderTable(
        ['Param', 'Value'],
        params.map((param) => [param.key, param.value]),
      ),
    );
  }
  const metrics = byKey(run.data.metrics);
  if (metrics.length > 0) {
    sections.push(
      renderTable(
        ['Metric', 'Value', 'Step', 'Timestamp'],
        metrics.map((metric) => [
          metric.key,
          formatValue(metric.value),
          metric.step,
          formatTimestamp(metric.timestamp),
        ]),
      ),
    );
  }
  const tags = byKey(run.data.tags);
  if (tags.length > 0) {
    sections.push(
      renderTable(
        ['Tag', 'Value'],
        tags.map((tag) => [tag.key, tag.value]),
      ),
    );
  }
  return sections.join('\n');
}
