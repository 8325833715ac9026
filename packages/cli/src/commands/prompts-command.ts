import { readFile } from 'node:fs/promises';
import { type AbTestVariant, type Prompt, PromptClient } from '@cairn/sdk';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { collectTag } from './option-parsers.js';
import { printJson, printLine, renderTable } from './output-format.js';
import { trackingUriOption, withTrackingClient } from './tracking-client.js';

function withPrompts<T>(flag: string | undefined, work: (prompts: PromptClient) => Promise<T>) {
  return withTrackingClient(flag, (_client, trackingUri) =>
    work(
      new PromptClient({
        trackingUri,
        cacheTtlMs: 0,
        retry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 1000 },
      }),
    ),
  );
}

/** `name=3` (a version) or `name=@alias`, optionally `:weight` — one A/B variant. */
export function parseVariant(text: string, previous: AbTestVariant[] = []): AbTestVariant[] {
  const match = /^([\w-]+)=(@[\w-]+|\d+)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (!match)
    throw new InvalidArgumentError(`expected name=<version>|@<alias>[:weight], got '${text}'.`);
  const [, name, reference, weight] = match as unknown as [
    string,
    string,
    string,
    string | undefined,
  ];
  return [
    ...previous,
    {
      name,
      ...(reference.startsWith('@') ? { alias: reference.slice(1) } : { version: reference }),
      weight: weight === undefined ? 1 : Number(weight),
    },
  ];
}

/** A unified line diff of two prompt versions' templates. */
export function promptDiff(from: Prompt, to: Prompt): string {
  const text = (prompt: Prompt) =>
    typeof prompt.template === 'string'
      ? prompt.template
      : `${JSON.stringify(prompt.template, null, 2)}`;
  return createTwoFilesPatch(
    `${from.name}/${from.version}`,
    `${to.name}/${to.version}`,
    `${text(from)}\n`,
    `${text(to)}\n`,
  );
}

/** `cairn prompts …`: the prompt registry and prompt A/B tests. */
export function promptsCommand(program: Command): void {
  const prompts = program
    .command('prompts')
    .description('Register, show, diff and A/B test prompts (stored in the MLflow registry).');

  prompts
    .command('list')
    .option('--filter <filter>', 'filter on name and tags, e.g. "name LIKE \'qa%\'"')
    .addOption(trackingUriOption())
    .action(async (options: { filter?: string; trackingUri?: string }) => {
      const found = await withPrompts(options.trackingUri, (client) =>
        client.searchPrompts({ filter: options.filter }),
      );
      if (found.prompts.length === 0) return printLine('No prompts match.');
      printLine(
        renderTable(
          ['Name', 'Latest version', 'Aliases'],
          found.prompts.map((p) => [
            p.name,
            p.latest_version,
            p.aliases.map((a) => `@${a.alias}→v${a.version}`).join(', '),
          ]),
        ),
      );
    });

  prompts
    .command('create')
    .description(
      'Register a new prompt version from --template text or a --file (JSON list of messages with --chat).',
    )
    .argument('<name>')
    .option('--template <text>', 'the template, with {{variables}}')
    .option('--file <path>', 'read the template from a file')
    .option('--chat', 'the file holds chat messages as JSON [{role, content}]')
    .option('-m, --message <text>', 'commit message')
    .option('-t, --tag <key=value>', 'a tag; repeat for more', collectTag)
    .addOption(trackingUriOption())
    .action(
      async (
        name: string,
        options: {
          template?: string;
          file?: string;
          chat?: boolean;
          message?: string;
          tag?: Record<string, string>;
          trackingUri?: string;
        },
      ) => {
        if ((options.template === undefined) === (options.file === undefined))
          throw new Error('give exactly one of --template or --file.');
        const raw = options.template ?? (await readFile(options.file!, 'utf8'));
        const template = options.chat
          ? (JSON.parse(raw) as { role: string; content: string }[])
          : raw;
        const prompt = await withPrompts(options.trackingUri, (client) =>
          client.registerPrompt({
            name,
            template,
            commitMessage: options.message,
            tags: options.tag,
          }),
        );
        printLine(
          `Registered prompt '${prompt.name}' version ${prompt.version} (variables: ${prompt.variables.join(', ') || 'none'}).`,
        );
      },
    );

  prompts
    .command('show')
    .description('Show a prompt version: prompts:/name/3 or prompts:/name@production.')
    .argument('<uri>')
    .addOption(trackingUriOption())
    .action(async (uri: string, options: { trackingUri?: string }) => {
      const prompt = await withPrompts(options.trackingUri, (client) => client.loadPrompt(uri));
      printJson({
        name: prompt.name,
        version: prompt.version,
        type: prompt.type,
        variables: prompt.variables,
        commit_message: prompt.commitMessage,
        aliases: prompt.aliases,
        template: prompt.template,
      });
    });

  prompts
    .command('diff')
    .description('Line diff of two versions of a prompt, e.g. cairn prompts diff qa 2 3')
    .argument('<name>')
    .argument('<from>')
    .argument('<to>')
    .addOption(trackingUriOption())
    .action(async (name: string, from: string, to: string, options: { trackingUri?: string }) => {
      const [a, b] = await withPrompts(options.trackingUri, (client) =>
        Promise.all([
          client.loadPrompt(`prompts:/${name}/${from}`),
          client.loadPrompt(`prompts:/${name}/${to}`),
        ]),
      );
      process.stdout.write(promptDiff(a, b));
    });

  prompts
    .command('alias')
    .description('Point a prompt alias at a version.')
    .argument('<name>')
    .argument('<alias>')
    .argument('<version>')
    .addOption(trackingUriOption())
    .action(
      async (name: string, alias: string, version: string, options: { trackingUri?: string }) => {
        await withPrompts(options.trackingUri, (client) =>
          client.setPromptAlias(name, alias, version),
        );
        printLine(`@${alias} → prompt '${name}' version ${version}.`);
      },
    );

  const ab = prompts.command('ab').description('A/B tests of prompt versions.');
  ab.command('create')
    .argument('<test>')
    .requiredOption('--prompt <name>', 'the prompt under test')
    .requiredOption(
      '--variant <spec>',
      'name=<version>|@<alias>[:weight]; repeat (the first is the baseline)',
      parseVariant,
    )
    .addOption(
      new Option('--unit <unit>', 'what assignment sticks to')
        .choices(['user', 'session'])
        .default('user'),
    )
    .addOption(trackingUriOption())
    .action(
      async (
        test: string,
        options: {
          prompt: string;
          variant: AbTestVariant[];
          unit: 'user' | 'session';
          trackingUri?: string;
        },
      ) => {
        await withPrompts(options.trackingUri, (client) =>
          client.createAbTest({
            name: test,
            promptName: options.prompt,
            variants: options.variant,
            unit: options.unit,
          }),
        );
        printLine(`Created A/B test '${test}' on prompt '${options.prompt}'.`);
      },
    );
  ab.command('report')
    .argument('<test>')
    .addOption(
      new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(trackingUriOption())
    .action(async (test: string, options: { output: string; trackingUri?: string }) => {
      const report = await withPrompts(options.trackingUri, (client) => client.abTestReport(test));
      if (options.output === 'json') return printJson(report);
      const fixed = (value: number | undefined, digits = 1) =>
        value === undefined ? '' : value.toFixed(digits);
      printLine(
        renderTable(
          [
            'Variant',
            'Version',
            'Count',
            'Errors',
            'p50 ms',
            'p95 ms',
            'Cost $',
            'Feedback',
            'Score',
          ],
          report.variants.map((v) => [
            v.variant,
            v.version ?? '',
            v.count,
            `${(v.error_rate * 100).toFixed(1)}%`,
            fixed(v.latency_p50_ms),
            fixed(v.latency_p95_ms),
            v.total_cost_usd.toFixed(4),
            v.feedback_rate === undefined ? '' : `${(v.feedback_rate * 100).toFixed(1)}%`,
            fixed(v.mean_score, 3),
          ]),
        ),
      );
      printLine(
        renderTable(
          ['Variant vs baseline', 'Metric', 'Test', 'Difference', 'p-value', 'Significant'],
          report.comparisons.map((c) => [
            `${c.variant} vs ${c.baseline}`,
            c.metric,
            c.test,
            c.difference.toPrecision(3),
            c.p_value.toPrecision(3),
            c.significant ? 'yes' : 'no',
          ]),
        ),
      );
      printLine(`Recommended winner: ${report.recommended_winner ?? 'none yet'}. ${report.reason}`);
    });
  ab.command('promote')
    .argument('<test>')
    .option('--alias <alias>', 'the alias to move', 'production')
    .option('--variant <name>', 'promote this variant instead of the recommended winner')
    .addOption(trackingUriOption())
    .action(
      async (test: string, options: { alias: string; variant?: string; trackingUri?: string }) => {
        const result = await withPrompts(options.trackingUri, (client) =>
          client.promoteAbTest(test, { alias: options.alias, variant: options.variant }),
        );
        printLine(`Promoted '${result.variant}': @${result.alias} → version ${result.version}.`);
      },
    );
}
