import { writeFile } from 'node:fs/promises';
import { RegistryClient } from '@cairn/sdk';
import { type Command, Option } from 'commander';
import { collectTag, parsePositiveInteger } from './option-parsers.js';
import { formatTimestamp, printJson, printLine, renderTable } from './output-format.js';
import { trackingUriOption, withTrackingClient } from './tracking-client.js';

/** Runs `work` with a registry client for the resolved server; failures become one line. */
function withRegistry<T>(flag: string | undefined, work: (registry: RegistryClient) => Promise<T>) {
  return withTrackingClient(flag, (_client, trackingUri) =>
    work(
      new RegistryClient({
        trackingUri,
        retry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 1000 },
      }),
    ),
  );
}

const outputOption = () =>
  new Option('--output <format>', 'output format').choices(['table', 'json']).default('table');

/** `cairn models …`: the model registry from the command line. */
export function modelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description(
      'Register models, move them through stages and aliases, read lineage and model cards.',
    );

  models
    .command('list')
    .description(`List registered models, e.g. cairn models list --filter "name LIKE 'fraud%'"`)
    .option('--filter <filter>', 'filter on name and tags.<key>')
    .option('--max-results <n>', 'at most n models', parsePositiveInteger, 100)
    .addOption(outputOption())
    .addOption(trackingUriOption())
    .action(
      async (options: {
        filter?: string;
        maxResults: number;
        output: string;
        trackingUri?: string;
      }) => {
        const page = await withRegistry(options.trackingUri, (registry) =>
          registry.searchRegisteredModels({
            filter: options.filter,
            maxResults: options.maxResults,
          }),
        );
        if (options.output === 'json') return printJson(page.items);
        if (page.items.length === 0) return printLine('No registered models match.');
        printLine(
          renderTable(
            ['Name', 'Latest versions', 'Aliases', 'Updated'],
            page.items.map((model) => [
              model.name,
              (model.latest_versions ?? [])
                .map((v) => `v${v.version} (${v.current_stage})`)
                .join(', '),
              (model.aliases ?? []).map((a) => `@${a.alias}→v${a.version}`).join(', '),
              formatTimestamp(model.last_updated_timestamp),
            ]),
          ),
        );
      },
    );

  models
    .command('register')
    .description(
      'Register a model version from runs:/<run_id>/<path> or mlflow-artifacts:/… (creates the model if needed).',
    )
    .argument('<model-uri>', 'where the model files are')
    .argument('<name>', 'registered model name')
    .option('-t, --tag <key=value>', 'a version tag; repeat for more', collectTag)
    .option('-d, --description <text>', 'version description')
    .addOption(trackingUriOption())
    .action(
      async (
        modelUri: string,
        name: string,
        options: { tag?: Record<string, string>; description?: string; trackingUri?: string },
      ) => {
        const version = await withRegistry(options.trackingUri, (registry) =>
          registry.registerModel(modelUri, name, {
            tags: options.tag,
            description: options.description,
          }),
        );
        printLine(`Registered '${name}' version ${version.version}.`);
      },
    );

  models
    .command('versions')
    .description('List the versions of a registered model.')
    .argument('<name>')
    .addOption(outputOption())
    .addOption(trackingUriOption())
    .action(async (name: string, options: { output: string; trackingUri?: string }) => {
      const escaped = name.replaceAll("'", "''");
      const page = await withRegistry(options.trackingUri, (registry) =>
        registry.searchModelVersions({ filter: `name = '${escaped}'`, maxResults: 1000 }),
      );
      if (options.output === 'json') return printJson(page.items);
      printLine(
        renderTable(
          ['Version', 'Stage', 'Aliases', 'Source', 'Created'],
          page.items.map((v) => [
            v.version,
            v.current_stage,
            (v.aliases ?? []).join(', '),
            v.source,
            formatTimestamp(v.creation_timestamp),
          ]),
        ),
      );
    });

  models
    .command('get')
    .description(
      'Resolve a models:/ URI (models:/name/3, /Production, /latest, @champion) and show the version.',
    )
    .argument('<model-uri>')
    .addOption(trackingUriOption())
    .action(async (uri: string, options: { trackingUri?: string }) => {
      printJson(
        await withRegistry(options.trackingUri, (registry) => registry.resolveModelUri(uri)),
      );
    });

  models
    .command('stage')
    .description('Move a version to a stage (None, Staging, Production, Archived).')
    .argument('<name>')
    .argument('<version>')
    .argument('<stage>')
    .option('--archive-existing', 'archive the other versions in that stage')
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        version: string,
        stage: string,
        options: { archiveExisting?: boolean; trackingUri?: string },
      ) => {
        const moved = await withRegistry(options.trackingUri, (registry) =>
          registry.transitionModelVersionStage(
            name,
            version,
            stage,
            options.archiveExisting ?? false,
          ),
        );
        printLine(`'${name}' version ${moved.version} is now in ${moved.current_stage}.`);
      },
    );

  const alias = models.command('alias').description('Set or delete model aliases.');
  alias
    .command('set')
    .argument('<name>')
    .argument('<alias>')
    .argument('<version>')
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        aliasName: string,
        version: string,
        options: { trackingUri?: string },
      ) => {
        await withRegistry(options.trackingUri, (registry) =>
          registry.setRegisteredModelAlias(name, aliasName, version),
        );
        printLine(`@${aliasName} → '${name}' version ${version}.`);
      },
    );
  alias
    .command('delete')
    .argument('<name>')
    .argument('<alias>')
    .addOption(trackingUriOption())
    .action(async (name: string, aliasName: string, options: { trackingUri?: string }) => {
      await withRegistry(options.trackingUri, (registry) =>
        registry.deleteRegisteredModelAlias(name, aliasName),
      );
      printLine(`Deleted alias @${aliasName} of '${name}'.`);
    });

  models
    .command('download')
    .description('Download the files of the version a models:/ URI names.')
    .argument('<model-uri>')
    .argument('<dir>', 'local destination directory')
    .addOption(trackingUriOption())
    .action(async (uri: string, dir: string, options: { trackingUri?: string }) => {
      const path = await withRegistry(options.trackingUri, (registry) =>
        registry.loadModelArtifacts(uri, dir),
      );
      printLine(`Downloaded ${uri} to ${path}.`);
    });

  models
    .command('card')
    .description('Render the model card of a version (Markdown or JSON).')
    .argument('<name>')
    .argument('<version>')
    .addOption(
      new Option('--format <format>', 'card format')
        .choices(['markdown', 'json'])
        .default('markdown'),
    )
    .option('-o, --out <file>', 'write the card to a file instead of standard output')
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        version: string,
        options: { format: 'markdown' | 'json'; out?: string; trackingUri?: string },
      ) => {
        const card = await withRegistry(options.trackingUri, (registry) =>
          registry.getModelCard(name, version, options.format),
        );
        const text = typeof card === 'string' ? card : `${JSON.stringify(card, null, 2)}\n`;
        if (options.out) {
          await writeFile(options.out, text);
          printLine(`Wrote the model card of '${name}' version ${version} to ${options.out}.`);
        } else process.stdout.write(text);
      },
    );

  models
    .command('lineage')
    .description(
      'Show a version’s lineage: source run, params, metrics, datasets, evaluations, history.',
    )
    .argument('<name>')
    .argument('<version>')
    .addOption(trackingUriOption())
    .action(async (name: string, version: string, options: { trackingUri?: string }) => {
      printJson(
        await withRegistry(options.trackingUri, (registry) => registry.getLineage(name, version)),
      );
    });

  models
    .command('delete')
    .description('Delete a registered model and all its versions.')
    .argument('<name>')
    .addOption(trackingUriOption())
    .action(async (name: string, options: { trackingUri?: string }) => {
      await withRegistry(options.trackingUri, (registry) => registry.deleteRegisteredModel(name));
      printLine(`Deleted registered model '${name}'.`);
    });
}
