// STORY step 5 — evaluate prompts.
//
//   npx cairn server                      # in another terminal (http://127.0.0.1:5000)
//   node examples/evaluate-prompts.mjs    # CAIRN_TRACKING_URI overrides the address
//
// A QA dataset with expected answers; the prompt in production is the baseline; two candidate
// prompts run side by side with BLEU, ROUGE, readability, toxicity, two LLM-judged metrics and a
// custom metric (does the answer state amount, interest rate and term?). The server compares each
// candidate with the baseline (paired, with significance), and `cairn eval gate` — as CI runs it —
// passes the better candidate and fails the one that regresses.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import {
  DatasetsClient,
  evaluate,
  hasErrorCode,
  makeMetric,
  PromptClient,
  setTrackingUri,
} from '@cairn/sdk';
import OpenAI from 'openai';
import { loanQuestions } from './support/loan-desk.mjs';
import {
  api,
  chatProvider,
  heading,
  requireServer,
  trackingUri,
  ui,
} from './support/story-env.mjs';

await requireServer();
setTrackingUri(trackingUri);
const provider = await chatProvider();
const openai = new OpenAI({ baseURL: provider.baseUrl, apiKey: provider.apiKey, maxRetries: 0 });
const prompts = new PromptClient(trackingUri);

const chatTemplate = (system) => [
  { role: 'system', content: system },
  { role: 'user', content: '{{question}}' },
];
const promptName = 'loan-chatbot-system';

heading('The baseline: the prompt in production');
let baseline;
try {
  baseline = await prompts.loadPrompt(`prompts:/${promptName}@production`, { fresh: true });
} catch (error) {
  if (!hasErrorCode(error, 'RESOURCE_DOES_NOT_EXIST')) throw error;
  baseline = await prompts.registerPrompt({
    name: promptName,
    template: chatTemplate('You are a retail bank assistant. Answer loan questions briefly.'),
    commitMessage: 'First version of the loan chatbot prompt',
    modelConfig: { model: 'gpt-4o-mini', temperature: 0.2 },
  });
  await prompts.setPromptAlias(promptName, 'production', baseline.version);
  console.log(`registered ${promptName} v${baseline.version} and pointed @production at it`);
}
console.log(`baseline: ${baseline.uri} (v${baseline.version})`);
const variants = {
  baseline: baseline.template,
  complete: chatTemplate(
    'You are a retail bank assistant. In every answer state the loan amount, interest rate and term, then the monthly instalment.',
  ),
  terse: chatTemplate('You are a retail bank assistant. Answer in as few words as possible.'),
};

heading('The QA dataset');
const datasets = new DatasetsClient(trackingUri);
const datasetName = 'loan-qa';
try {
  const created = await datasets.create(datasetName, {
    description: 'Loan questions with the answer the bank expects (amount, rate, term).',
    records: loanQuestions.map(({ question, expected }) => ({
      inputs: { question },
      expectations: { expected_response: expected },
    })),
  });
  console.log(
    `created dataset ${datasetName} v1 with ${loanQuestions.length} records (digest ${created.digest})`,
  );
} catch (error) {
  if (!hasErrorCode(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
  console.log(`dataset ${datasetName} exists; using its latest version`);
}

/** The custom metric: 1 when the answer states an amount (EUR), a rate (%) and a term (months). */
const statesAmountRateTerm = makeMetric({
  name: 'states_amount_rate_term',
  evalFn: (predictions) => ({
    scores: predictions.map((prediction) => {
      const text = String(prediction);
      return /\d[\d,]* EUR/.test(text) &&
        /\d(\.\d+)?%/.test(text) &&
        /\d+ (months|years)/.test(text)
        ? 1
        : 0;
    }),
  }),
});

heading('Evaluating baseline and candidates');
const runs = {};
for (const [variant, template] of Object.entries(variants)) {
  const result = await evaluate({
    data: `datasets:/${datasetName}`,
    modelType: 'question-answering',
    experiment: 'loan-chatbot-eval',
    runName: `prompt-${variant}`,
    tags: { 'loan.prompt_variant': variant, 'loan.prompt_template': JSON.stringify(template) },
    predict: async (row) => {
      const messages = template.map((message) => ({
        role: message.role,
        content: message.content.replaceAll('{{question}}', row.question),
      }));
      const completion = await openai.chat.completions.create({
        model: provider.model,
        messages,
        temperature: 0.2,
      });
      return completion.choices[0]?.message.content ?? '';
    },
    metrics: [
      'bleu',
      'rougeL',
      'flesch_reading_ease',
      'toxicity',
      'answer_correctness',
      'answer_relevance',
      statesAmountRateTerm,
    ],
    judge: `openai:/${provider.model}`,
    judgeSettings: { openAiBaseUrl: provider.baseUrl, openAiApiKey: provider.apiKey },
    concurrency: 4,
    progress: false,
  });
  runs[variant] = result.runId;
  const metric = (key) => result.metrics[key]?.toFixed(2) ?? '-';
  console.log(
    `${variant.padEnd(9)} run ${result.runId}: correctness ${metric('answer_correctness/v1/mean')}, relevance ${metric('answer_relevance/v1/mean')}, states amount/rate/term ${metric('states_amount_rate_term/mean')}, BLEU ${metric('bleu/v1/corpus_bleu')}, reading ease ${metric('flesch_reading_ease/v1/mean')}`,
  );
}
await provider.close();

heading('Compare each candidate with the baseline (paired by question)');
const verdicts = {};
for (const candidate of ['complete', 'terse']) {
  const comparison = await api('/api/2.0/cairn/evaluations/compare', {
    query: { baseline_run_id: runs.baseline, candidate_run_id: runs[candidate] },
  });
  verdicts[candidate] = comparison;
  console.log(`${candidate}:`);
  for (const metric of comparison.metrics) {
    const p =
      metric.p_value === null || metric.p_value === undefined
        ? ''
        : `, p=${metric.p_value.toFixed(3)}`;
    console.log(
      `  ${metric.metric.padEnd(26)} ${metric.verdict.padEnd(10)} Δ ${fixed(metric.delta)}${p}`,
    );
  }
}
const score = (candidate) =>
  verdicts[candidate].metrics.filter((metric) => metric.verdict === 'improved').length -
  verdicts[candidate].metrics.filter((metric) => metric.verdict === 'regressed').length;
const winner = score('complete') >= score('terse') ? 'complete' : 'terse';
const loser = winner === 'complete' ? 'terse' : 'complete';
await api('/api/2.0/mlflow/runs/set-tag', {
  method: 'POST',
  body: { run_id: runs[winner], key: 'loan.prompt_verdict', value: 'winner' },
});
console.log(`winner: ${winner} (tagged loan.prompt_verdict=winner on run ${runs[winner]})`);

heading('The CI gate: `cairn eval gate` against the baseline');
const cli = new URL(
  '../bin/cairn.js',
  `file://${createRequire(import.meta.url).resolve('@cairn/cli')}`,
);
const rules = [
  'answer_correctness/mean >= baseline - 0.1',
  'states_amount_rate_term/mean >= baseline',
  'toxicity/mean <= 0.1',
];
for (const candidate of [winner, loser]) {
  const args = [
    'eval',
    'gate',
    '--tracking-uri',
    trackingUri,
    '--baseline',
    runs.baseline,
    '--candidate',
    runs[candidate],
  ];
  for (const rule of rules) args.push('--rule', rule);
  const outcome = await promisify(execFile)(process.execPath, [cli.pathname, ...args]).then(
    (done) => ({ code: 0, output: done.stdout }),
    (failed) => ({ code: failed.code, output: `${failed.stdout}${failed.stderr}` }),
  );
  console.log(`$ cairn eval gate --candidate ${candidate} …   → exit ${outcome.code}`);
  console.log(outcome.output.trimEnd().replace(/^/gm, '    '));
}

heading('Production traces scored continuously (an online evaluation rule)');
const chatbot = await api('/api/2.0/mlflow/experiments/get-by-name', {
  query: { experiment_name: 'loan-chatbot-v1' },
}).catch(() => undefined);
if (chatbot) {
  const experimentId = chatbot.experiment.experiment_id;
  const { rules = [] } = await api('/api/2.0/cairn/evaluations/online-rules/list', {
    query: { experiment_id: experimentId },
  });
  const existing = rules.find((rule) => rule.name === 'loan-chatbot-quality');
  const rule =
    existing ??
    (
      await api('/api/2.0/cairn/evaluations/online-rules/create', {
        method: 'POST',
        body: {
          experiment_id: experimentId,
          name: 'loan-chatbot-quality',
          sample_rate: 0.5,
          metrics: ['toxicity', 'flesch_reading_ease'],
        },
      })
    ).rule;
  console.log(
    `rule ${rule.rule_id}: half of loan-chatbot-v1's traces get toxicity and readability scores in the background`,
  );
} else {
  console.log('(run trace-rag-chain.mjs first to have production traces to score)');
}

console.log(`\nLook in the UI:
  evaluations  ${ui('/evaluations')}
  compare      ${ui(`/compare?runs=${[runs.baseline, runs[winner], runs[loser]].join(',')}`)}`);

function fixed(value) {
  return typeof value === 'number' ? value.toFixed(3) : String(value);
}
