// STORY step 2 — log an LLM call in one line.
//
//   npx cairn server                      # in another terminal (http://127.0.0.1:5000)
//   node examples/log-llm-call.mjs        # CAIRN_TRACKING_URI overrides the address
//
// The model answer below is canned so that the example needs no provider key; in the app it is
// whatever the chat-completion call returned, and `usage` is the provider's token report.
import { CairnClient, logLlmCall, setExperiment, setTrackingUri, sumMetricByTag } from '@cairn/sdk';

const trackingUri = process.env.CAIRN_TRACKING_URI ?? 'http://127.0.0.1:5000';
setTrackingUri(trackingUri);
const experiment = await setExperiment('loan-chatbot-v1');

const prompt = [
  { role: 'system', content: 'You are a retail bank assistant. Answer loan questions briefly.' },
  { role: 'user', content: 'What would I pay monthly on a 10,000 EUR loan over 5 years?' },
];
const startedAt = performance.now();
const response = 'At 6.9% APR, about 197 EUR a month for 60 months (11,850 EUR in total).';
const latencyMs = Math.round(performance.now() - startedAt) + 640; // a real call takes this long

const logged = await logLlmCall({
  model: 'gpt-4o-mini',
  prompt,
  response,
  usage: { promptTokens: 41, completionTokens: 27 }, // omit to count with gpt-tokenizer
  latencyMs,
  params: { temperature: 0.2, max_tokens: 256 },
  tags: { cost_center: 'retail-lending', project: 'loan-chatbot', user: 'u-1042' },
  metadata: { user: 'u-1042', session: 'sess-77', feedback: { rating: 'helpful' } },
});
console.log(
  `run ${logged.runId}: ${logged.totalTokens} tokens, $${logged.costUsd?.toFixed(6)}, ${latencyMs} ms`,
);

// Cost per team: sum run_cost_usd over runs grouped by the cost_center tag.
const client = new CairnClient(trackingUri);
const costs = await sumMetricByTag(client, {
  experimentIds: [experiment.experiment_id],
  tagKey: 'cost_center',
});
for (const [costCenter, { total, runs }] of Object.entries(costs)) {
  console.log(`${costCenter}: $${total.toFixed(6)} over ${runs} runs`);
}
