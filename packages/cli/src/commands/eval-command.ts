import {
  evaluateGateRules,
  type GateResult,
  judgeSettingsFromEnv,
  parseGateRule,
} from '@cairn/evaluation';
import { Cairn, evaluate } from '@cairn/sdk';
import { type Command, Option } from 'commander';
import { evaluateOptionsFrom, readEvalConfig } from './eval-config.js';
import { collectList, parsePositiveInteger } from './option-parsers.js';
import { printJson, printLine, renderTable } from './output-format.js';
import { resolveTrackingUri, trackingUriOption, withTrackingClient } from './tracking-client.js';

interface ComparisonJson {
  paired_by: string;
  metrics: {
    metric: string;
    baseline_mean: number | null;
    candidate_mean: number | null;
    delta: number | null;
    ci_low: number | null;
    ci_high: number | null;
    p_value: number | null;
    paired_count: number;
    verdict: string;
    regressed_rows: number;
  }[];
  regressions: {
    metric: string;
    key: string;
    baseline: number;
    candidate: number;
    delta: number;
    candidate_prediction: unknown;
  }[];
}

const number = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined ? '' : Number(value.toFixed(digits)).toString();
const clip = (text: string, length = 60) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

async function fetchComparison(
  trackingUri: string,
  query: Record<string, string>,
): Promise<ComparisonJson> {
  const url = `${trackingUri}/api/2.0/cairn/evaluations/compare?${new URLSearchParams(query)}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(
      `cannot reach the tracking server at ${trackingUri} (${(error as Error).message}); pass --tracking-uri.`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: show the text.
    }
    throw new Error(`${trackingUri} answered ${response.status}: ${message}`);
  }
  return JSON.parse(text) as ComparisonJson;
}

function printGate(results: GateResult[]): void {
  printLine(
    renderTable(
      ['rule', 'result', 'candidate', 'threshold', 'baseline'],
      results.map((result) => [
        result.rule.source,
        result.passed ? 'PASS' : `FAIL${result.reason ? ` (${result.reason})` : ''}`,
        number(result.actual),
        number(result.expected),
        number(result.baseline),
      ]),
    ),
  );
}

/** `cairn eval run|compare|gate`: run an evaluation from a file, compare two runs, gate in CI. */
export function evalCommand(program: Command): void {
  const evalGroup = program.command('eval').description('Run, compare and gate evaluations.');

  evalGroup
    .command('run')
    .description(
      'Run a whole evaluation from a YAML file: data, model endpoint and prompt, metrics, judge.\n' +
        'Example eval.yaml:\n' +
        '  experiment: qa-bot\n  data: qa.jsonl\n  model_type: question-answering\n' +
        '  model: { endpoint: "gateway:/chat", prompt: "Answer briefly: {{inputs}}" }\n' +
        '  metrics: [exact_match, toxicity, answer_correctness]\n  judge: "gateway:/judge"',
    )
    .requiredOption('-c, --config <file>', 'the eval.yaml to run')
    .option('--run-name <name>', 'name of the run (overrides the file)')
    .addOption(
      new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(trackingUriOption())
    .action(
      async (options: {
        config: string;
        runName?: string;
        output: string;
        trackingUri?: string;
      }) => {
        const config = await readEvalConfig(options.config);
        if (options.runName) config.run_name = options.runName;
        const trackingUri = resolveTrackingUri(options.trackingUri);
        const cairn = new Cairn({ trackingUri, exitHook: false });
        try {
          const result = await evaluate({
            ...evaluateOptionsFrom(config, judgeSettingsFromEnv(process.env)),
            cairn,
          });
          if (options.output === 'json') {
            printJson({
              run_id: result.runId,
              experiment_id: result.experimentId,
              metrics: result.metrics,
              failures: result.failures,
            });
            return;
          }
          printLine(
            `run ${result.runId} in experiment ${result.experimentId}: ${result.rowCount} rows${result.complete ? '' : ' (some rows failed)'}`,
          );
          printLine(
            renderTable(
              ['metric', 'value'],
              Object.entries(result.metrics).map(([key, value]) => [key, number(value)]),
            ),
          );
          for (const example of result.failures.examples) printLine(`  failed: ${example}`);
        } finally {
          await cairn.shutdown();
        }
      },
    );

  evalGroup
    .command('compare')
    .description(
      'Compare a candidate evaluation run with a baseline: per-metric deltas with a paired bootstrap\n' +
        'interval and paired t-test over rows, then the rows that regressed most.\n' +
        'Example: cairn eval compare --baseline 3f2a… --candidate 9c1d…',
    )
    .requiredOption('--baseline <run>', 'run id of the baseline evaluation')
    .requiredOption('--candidate <run>', 'run id of the candidate evaluation')
    .option('--alpha <p>', 'significance level (default 0.05)', '0.05')
    .option(
      '--max-regressions <n>',
      'regressed rows to list (default 10)',
      parsePositiveInteger,
      10,
    )
    .addOption(
      new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(trackingUriOption())
    .action(
      async (options: {
        baseline: string;
        candidate: string;
        alpha: string;
        maxRegressions: number;
        output: string;
        trackingUri?: string;
      }) => {
        const comparison = await fetchComparison(resolveTrackingUri(options.trackingUri), {
          baseline_run_id: options.baseline,
          candidate_run_id: options.candidate,
          alpha: options.alpha,
          max_regressions: String(options.maxRegressions),
        });
        if (options.output === 'json') {
          printJson(comparison);
          return;
        }
        printLine(
          renderTable(
            ['metric', 'baseline', 'candidate', 'delta', 'CI', 'p', 'rows', 'verdict'],
            comparison.metrics.map((metric) => [
              metric.metric,
              number(metric.baseline_mean),
              number(metric.candidate_mean),
              number(metric.delta),
              metric.ci_low === null ? '' : `[${number(metric.ci_low)}, ${number(metric.ci_high)}]`,
              number(metric.p_value),
              metric.paired_count,
              metric.verdict,
            ]),
          ),
        );
        if (comparison.regressions.length > 0) {
          printLine(`Rows that regressed (paired by ${comparison.paired_by}):`);
          printLine(
            renderTable(
              ['metric', 'row', 'baseline', 'candidate', 'candidate prediction'],
              comparison.regressions.map((regression) => [
                regression.metric,
                clip(regression.key, 40),
                number(regression.baseline),
                number(regression.candidate),
                clip(String(regression.candidate_prediction ?? '')),
              ]),
            ),
          );
        }
      },
    );

  evalGroup
    .command('gate')
    .description(
      'Check rules against a candidate run (and a baseline); exits 1 when any rule fails.\n' +
        'Rule: <metric>/<aggregate> <op> <number | baseline [+-] number>\n' +
        'Example: cairn eval gate --candidate 9c1d… --baseline 3f2a… \\\n' +
        '  --rule "answer_correctness/mean >= baseline - 0.02" --rule "toxicity/max <= 0.1"',
    )
    .requiredOption('--candidate <run>', 'run id of the candidate evaluation')
    .option('--baseline <run>', 'run id of the baseline (needed by rules naming baseline)')
    .requiredOption('--rule <rule>', 'a gate rule; repeat for several', collectList)
    .addOption(
      new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addOption(trackingUriOption())
    .action(
      async (options: {
        candidate: string;
        baseline?: string;
        rule: string[];
        output: string;
        trackingUri?: string;
      }) => {
        const rules = options.rule.map(parseGateRule);
        const results = await withTrackingClient(options.trackingUri, async (client) => {
          const metricsOf = async (runId: string) =>
            Object.fromEntries(
              ((await client.getRun(runId)).data.metrics ?? []).map((metric) => [
                metric.key,
                Number(metric.value),
              ]),
            );
          const candidate = await metricsOf(options.candidate);
          const baseline = options.baseline ? await metricsOf(options.baseline) : undefined;
          return evaluateGateRules(rules, candidate, baseline);
        });
        if (options.output === 'json') {
          printJson({ passed: results.every((result) => result.passed), results });
        } else {
          printGate(results);
        }
        const failed = results.filter((result) => !result.passed).length;
        if (failed > 0) throw new Error(`gate failed: ${failed} of ${results.length} rules failed`);
      },
    );
}
