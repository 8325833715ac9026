import type { Experiment, ViewType } from '@cairn/spec';
import { type Command, Option } from 'commander';
import { collectTag, parsePositiveInteger } from './option-parsers.js';
import { formatTimestamp, printJson, printLine, renderTable } from './output-format.js';
import { trackingUriOption, withTrackingClient } from './tracking-client.js';

const viewTypes: Record<string, ViewType> = {
  active: 'ACTIVE_ONLY',
  deleted: 'DELETED_ONLY',
  all: 'ALL',
};

/** `cairn experiments list|create|delete|restore`: manage experiments on a tracking server. */
export function experimentsCommand(program: Command): void {
  const experiments = program
    .command('experiments')
    .description('List, create, delete and restore experiments on a tracking server.');

  experiments
    .command('list')
    .description(
      'List experiments, newest first by default. Filters use MLflow syntax, e.g.\n' +
        `  cairn experiments list --filter "name LIKE 'llm-%' and tags.team = 'search'"`,
    )
    .addOption(
      new Option('--view <view>', 'which experiments to show')
        .choices(Object.keys(viewTypes))
        .default('active'),
    )
    .option('--filter <filter>', 'filter on name, creation_time, last_update_time, tags.<key>')
    .option('--order-by <clause...>', "sort keys, e.g. 'name ASC' 'creation_time DESC'")
    .option('--max-results <n>', 'show at most n experiments (default: all)', parsePositiveInteger)
    .addOption(
      new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(trackingUriOption())
    .action(
      async (options: {
        view: string;
        filter?: string;
        orderBy?: string[];
        maxResults?: number;
        output: 'table' | 'json';
        trackingUri?: string;
      }) => {
        const found = await withTrackingClient(options.trackingUri, async (client) => {
          const collected: Experiment[] = [];
          let pageToken: string | undefined;
          do {
            const wanted = options.maxResults ? options.maxResults - collected.length : 1000;
            const page = await client.searchExperiments({
              filter: options.filter,
              orderBy: options.orderBy,
              viewType: viewTypes[options.view],
              maxResults: Math.min(wanted, 1000),
              pageToken,
            });
            collected.push(...page.items);
            pageToken = page.nextPageToken;
          } while (pageToken && (!options.maxResults || collected.length < options.maxResults));
          return collected;
        });
        if (options.output === 'json') return printJson(found);
        if (found.length === 0) return printLine('No experiments match.');
        const withStage = options.view !== 'active';
        printLine(
          renderTable(
            [
              'Experiment Id',
              'Name',
              'Artifact Location',
              'Created',
              ...(withStage ? ['Stage'] : []),
            ],
            found.map((experiment) => [
              experiment.experiment_id,
              experiment.name,
              experiment.artifact_location,
              formatTimestamp(experiment.creation_time),
              ...(withStage ? [experiment.lifecycle_stage] : []),
            ]),
          ),
        );
      },
    );

  experiments
    .command('create')
    .description('Create an experiment and print its id.')
    .requiredOption('-n, --experiment-name <name>', 'a name no other experiment has')
    .option(
      '-l, --artifact-location <uri>',
      'where its runs store artifacts (default: chosen by the server)',
    )
    .option('-t, --tag <key=value>', 'a tag; repeat for more', collectTag)
    .addOption(trackingUriOption())
    .action(
      async (options: {
        experimentName: string;
        artifactLocation?: string;
        tag?: Record<string, string>;
        trackingUri?: string;
      }) => {
        const experimentId = await withTrackingClient(options.trackingUri, (client) =>
          client.createExperiment(options.experimentName, {
            artifactLocation: options.artifactLocation,
            tags: options.tag,
          }),
        );
        printLine(`Created experiment '${options.experimentName}' with id ${experimentId}.`);
      },
    );

  experiments
    .command('delete')
    .description('Mark an experiment and its runs deleted (restore it with `experiments restore`).')
    .requiredOption('-x, --experiment-id <id>', 'the experiment to delete')
    .addOption(trackingUriOption())
    .action(async (options: { experimentId: string; trackingUri?: string }) => {
      await withTrackingClient(options.trackingUri, (client) =>
        client.deleteExperiment(options.experimentId),
      );
      printLine(`Deleted experiment ${options.experimentId}.`);
    });

  experiments
    .command('restore')
    .description('Restore a deleted experiment.')
    .requiredOption('-x, --experiment-id <id>', 'the experiment to restore')
    .addOption(trackingUriOption())
    .action(async (options: { experimentId: string; trackingUri?: string }) => {
      await withTrackingClient(options.trackingUri, (client) =>
        client.restoreExperiment(options.experimentId),
      );
      printLine(`Restored experiment ${options.experimentId}.`);
    });
}
