// STORY step 6 — version and promote.
//
//   CAIRN_WEBHOOKS_ALLOW_PRIVATE=true npx cairn server   # lets webhooks reach this local receiver
//   node examples/promote.mjs                            # CAIRN_TRACKING_URI overrides the address
//
// The prompt that won the evaluation (evaluate-prompts.mjs) becomes a new prompt version with a
// commit message; an A/B test over simulated traffic confirms it and moves @production. The chain
// is registered as a model version, approved, moved Staging → Production (archiving the old one),
// aliased @champion; a rollback is moving the alias. A model card documents it, and a local
// receiver gets every registry event as a signed webhook, as a deployment system would.
import { abTestTag, abVariantTag, CairnClient, PromptClient, RegistryClient } from '@cairn/sdk';
import OpenAI from 'openai';
import { completeAnswer, loanProducts } from './support/loan-desk.mjs';
import { chatProvider, heading, requireServer, trackingUri, ui } from './support/story-env.mjs';
import { startWebhookReceiver } from './support/webhook-receiver.mjs';

await requireServer();
const tracking = new CairnClient(trackingUri);
const registry = new RegistryClient(trackingUri);
const prompts = new PromptClient(trackingUri);
const promptName = 'loan-chatbot-system';
const modelName = 'loan-chatbot';

heading('Webhooks: a local receiver for the deployment system');
const secret = 'whsec-loan-chatbot-demo';
const receiver = await startWebhookReceiver(secret);
let webhook;
try {
  webhook = await registry.createWebhook({
    name: `deploy-notifier-${Date.now()}`,
    url: receiver.url,
    secret,
    events: [
      { entity: 'MODEL_VERSION', action: 'CREATED' },
      { entity: 'MODEL_VERSION_STAGE', action: 'TRANSITIONED' },
      { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
      { entity: 'PROMPT_VERSION', action: 'CREATED' },
      { entity: 'PROMPT_ALIAS', action: 'CREATED' },
    ],
  });
  console.log(`webhook ${webhook.webhook_id} → ${receiver.url}`);
} catch (error) {
  console.log(
    `webhook refused (${error.message}).\nStart the server with CAIRN_WEBHOOKS_ALLOW_PRIVATE=true to let it call a loopback receiver.`,
  );
}

heading('The winning prompt becomes a new version');
const evaluation = await tracking.getExperimentByName('loan-chatbot-eval');
const [winnerRun] = evaluation
  ? (
      await tracking.searchRuns(evaluation.experiment_id, {
        filter: "tags.`loan.prompt_verdict` = 'winner'",
        orderBy: ['attributes.start_time DESC'],
        maxResults: 1,
      })
    ).items
  : [];
if (!winnerRun) {
  console.error('No winning prompt found: run examples/evaluate-prompts.mjs first.');
  process.exit(1);
}
const tags = Object.fromEntries(winnerRun.data.tags.map((tag) => [tag.key, tag.value]));
const correctness = winnerRun.data.metrics.find(
  (metric) => metric.key === 'answer_correctness/v1/mean',
);
const candidate = await prompts.registerPrompt({
  name: promptName,
  template: JSON.parse(tags['loan.prompt_template']),
  commitMessage: `State amount, interest rate and term in every answer (evaluation run ${winnerRun.info.run_id}: correctness ${correctness?.value})`,
  modelConfig: { model: 'gpt-4o-mini', temperature: 0.2 },
  tags: { evaluation_run: winnerRun.info.run_id },
});
const production = await prompts.loadPrompt(`prompts:/${promptName}@production`, { fresh: true });
console.log(`${promptName} v${candidate.version}: "${candidate.commitMessage}"`);
console.log(`@production is v${production.version} until the A/B test says otherwise`);

heading('A/B test on (simulated) live traffic');
const abTest = `${promptName}-v${candidate.version}`;
await prompts.createAbTest({
  name: abTest,
  promptName,
  variants: [
    { name: 'control', alias: 'production', weight: 1 },
    { name: 'candidate', version: candidate.version, weight: 1 },
  ],
  description: 'Does stating amount, rate and term make customers happier?',
});
const provider = await chatProvider();
const openai = new OpenAI({ baseURL: provider.baseUrl, apiKey: provider.apiKey, maxRetries: 0 });
const traffic =
  (await tracking.getExperimentByName('loan-chatbot-ab'))?.experiment_id ??
  (await tracking.createExperiment('loan-chatbot-ab'));
let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const users = Array.from({ length: 60 }, (_, index) => `customer-${index}`);
await inParallel(users, 6, async (user, index) => {
  const prompt = await prompts.loadPrompt('', { abTest, unitId: user });
  // The tags the report reads (PromptClient's recordTags hands the same to a tracing app).
  const variantTags = {
    [abTestTag]: abTest,
    [abVariantTag]: prompt.abTest.variant,
    'mlflow.linkedPrompts': JSON.stringify([{ name: promptName, version: prompt.version }]),
  };
  const product = loanProducts[index % loanProducts.length];
  const messages = prompt.format({ question: `What does your ${product.name} cost?` });
  const started = performance.now();
  const completion = await openai.chat.completions.create({ model: provider.model, messages });
  const latency = performance.now() - started;
  const text = completion.choices[0]?.message.content ?? '';
  // Customers like answers with the full picture: thumbs up 85% of the time, else 45%.
  const complete = text.includes(`${product.term} months`);
  const run = await tracking.createRun(traffic, {
    tags: { ...variantTags, user, cost_center: 'retail-lending' },
  });
  await tracking.logBatch(run.info.run_id, {
    metrics: [
      { key: 'feedback', value: random() < (complete ? 0.85 : 0.45) ? 1 : 0 },
      { key: 'latency_ms', value: latency },
      {
        key: 'cost_usd',
        value:
          ((completion.usage?.prompt_tokens ?? 0) * 0.15 +
            (completion.usage?.completion_tokens ?? 0) * 0.6) /
          1e6,
      },
    ],
  });
  await tracking.setTerminated(run.info.run_id);
});
await provider.close();
const report = await prompts.abTestReport(abTest);
for (const variant of report.variants) {
  console.log(
    `${variant.variant.padEnd(9)} v${variant.version}: ${variant.count} users, feedback ${fixed(variant.feedback_rate)}, latency p50 ${fixed(variant.latency_p50_ms)} ms`,
  );
}
console.log(`recommended winner: ${report.recommended_winner ?? 'none yet'} — ${report.reason}`);
if (report.recommended_winner === 'candidate') {
  const promoted = await prompts.promoteAbTest(abTest);
  console.log(`@${promoted.alias} → v${promoted.version}`);
} else {
  console.log('@production stays where it is');
}

heading('The chain as a model version: Staging → Production, @champion');
const experimentId =
  (await tracking.getExperimentByName('loan-chatbot-v1'))?.experiment_id ??
  (await tracking.createExperiment('loan-chatbot-v1'));
/** Logs the chain's definition as a run and registers it as the next version. */
async function registerChain(promptVersion, note) {
  const run = await tracking.createRun(experimentId, {
    runName: `chain-prompt-v${promptVersion}`,
    tags: { cost_center: 'retail-lending', project: 'loan-chatbot' },
  });
  const runId = run.info.run_id;
  const chain = {
    retriever: { top_k: 4 },
    reranker: { keep: 2 },
    prompt: `prompts:/${promptName}/${promptVersion}`,
    model: 'gpt-4o-mini',
    temperature: 0.2,
  };
  await tracking.logBatch(runId, {
    params: Object.entries({
      prompt: chain.prompt,
      model: chain.model,
      temperature: chain.temperature,
      top_k: 4,
    }).map(([key, value]) => ({ key, value })),
    metrics: correctness ? [{ key: 'answer_correctness', value: correctness.value }] : [],
  });
  await tracking.logText(
    runId,
    `flavor: loan-rag-chain\nprompt: ${chain.prompt}\nmodel: ${chain.model}\n`,
    'model/MLmodel',
  );
  await tracking.logText(runId, JSON.stringify(chain, null, 2), 'model/chain.json');
  await tracking.setTerminated(runId);
  return registry.registerModel(`runs:/${runId}/model`, modelName, {
    description: note,
    tags: { prompt_version: String(promptVersion) },
  });
}
let previous = (await registry.getLatestVersions(modelName, ['Production']).catch(() => []))[0];
if (!previous) {
  // First time through: the chain with the baseline prompt is what runs in production today.
  previous = await registerChain(production.version, 'The chain as first deployed.');
  await registry.transitionModelVersionStage(modelName, previous.version, 'Staging');
  await registry.transitionModelVersionStage(modelName, previous.version, 'Production');
  await registry.setRegisteredModelAlias(modelName, 'champion', previous.version);
  console.log(
    `registered the chain as deployed today: ${modelName} v${previous.version} (Production, @champion)`,
  );
}
const current = await registerChain(
  candidate.version,
  'RAG chain with the prompt that states amount, rate and term.',
);
console.log(`registered ${modelName} v${current.version} from ${current.source}`);
// The evaluation that justified it shows on the version's model card.
await tracking.setTag(
  winnerRun.info.run_id,
  'cairn.evaluation.model_uri',
  `models:/${modelName}/${current.version}`,
);
await registry.transitionModelVersionStage(modelName, current.version, 'Staging');
await registry.setModelVersionTag(
  modelName,
  current.version,
  'approved_by',
  'approver@bank.example (CHG-2041)',
);
await registry.transitionModelVersionStage(modelName, current.version, 'Production', true);
await registry.setRegisteredModelAlias(modelName, 'champion', current.version);
const archived = await registry.getModelVersion(modelName, previous.version);
console.log(
  `v${current.version}: Staging → approved → Production; v${previous.version} is now ${archived.current_stage}; @champion → v${current.version}`,
);

heading('Rolling back is moving the alias');
await registry.setRegisteredModelAlias(modelName, 'champion', previous.version);
console.log(
  `@champion → v${(await registry.resolveModelUri(`models:/${modelName}@champion`)).version} (rolled back)`,
);
await registry.setRegisteredModelAlias(modelName, 'champion', current.version);
console.log(
  `@champion → v${(await registry.resolveModelUri(`models:/${modelName}@champion`)).version} (forward again)`,
);

heading('Model card');
// The card is built from the version's run (params, metrics, dataset) plus these tags.
await registry.setRegisteredModelTag(
  modelName,
  'intended_use',
  'Answering retail customers’ loan questions (amount, rate, term, repayment) in the chat widget.',
);
await registry.setModelVersionTag(
  modelName,
  current.version,
  'limitations',
  'No advice on credit decisions; figures are list prices, not personal offers; English only.',
);
await registry.updateModelVersion(
  modelName,
  current.version,
  `RAG chain over the policy documents of ${loanProducts.length} loan products with prompt v${candidate.version}. ` +
    `Evaluated on dataset loan-qa: answer correctness ${correctness?.value ?? 'n/a'} / 5 (run ${winnerRun.info.run_id}); ` +
    `A/B test ${abTest}: ${report.recommended_winner ?? 'no winner'}. Example answer: ${completeAnswer(loanProducts[0])}`,
);
const card = await registry.getModelCard(modelName, current.version);
console.log(card.trimEnd());

if (webhook) {
  heading('What the deployment system received');
  await receiver.settle(500, 10_000);
  for (const event of receiver.events)
    console.log(`${event.verified ? 'signed ✓' : 'UNSIGNED ✗'}  ${event.type}  ${event.summary}`);
  // Stop deliveries to this receiver, which ends with the script; the log stays readable.
  await registry.updateWebhook(webhook.webhook_id, { status: 'DISABLED' });
}
await receiver.close();

console.log(`\nLook in the UI:
  prompt   ${ui(`/prompts/${promptName}`)}
  model    ${ui(`/models/${modelName}`)}`);

async function inParallel(items, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

function fixed(value) {
  return typeof value === 'number' ? value.toFixed(2) : '-';
}
