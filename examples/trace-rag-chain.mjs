// STORY step 3 — trace the chain.
//
//   npx cairn server                      # in another terminal (http://127.0.0.1:5000)
//   node examples/trace-rag-chain.mjs     # CAIRN_TRACKING_URI overrides the address
//
// The loan chatbot's RAG pipeline — retrieve → rerank → build the prompt → chat model — runs for
// two users' conversations. Each question is one trace with nested spans; the chat call is
// traced by @cairn/sdk/openai around the unchanged `openai` client. The reranker times out on some
// questions (the chain carries on with the retrieval order) and one retrieval is slow, so failing
// and slow steps show up. Last, a trace arrives through plain OpenTelemetry (OTLP/HTTP).

import {
  flushTraces,
  SpanType,
  setExperiment,
  setTrackingUri,
  startSpan,
  traced,
  updateCurrentTrace,
} from '@cairn/sdk';
import { instrumentOpenAI } from '@cairn/sdk/openai';
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { policyDocuments } from './support/loan-desk.mjs';
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
const experiment = await setExperiment('loan-chatbot-v1');
const provider = await chatProvider();
const openai = instrumentOpenAI(
  new OpenAI({ baseURL: provider.baseUrl, apiKey: provider.apiKey, maxRetries: 0 }),
);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keyword retrieval over the policy documents (a vector store in the real app). */
const retrieve = traced(
  async (query, { slow = false } = {}) => {
    if (slow) await pause(250); // a cold index shard: this is the slow step to find
    // Words of 4+ letters, matched by their first 6 ("renovate" finds "renovation").
    const words = query.toLowerCase().match(/[a-z]+/g) ?? [];
    return policyDocuments
      .map((document) => ({
        ...document,
        score: words.filter(
          (word) => word.length > 3 && document.text.toLowerCase().includes(word.slice(0, 6)),
        ).length,
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 4);
  },
  { name: 'retrieve', spanType: SpanType.RETRIEVER },
);

/** A cross-encoder in the real app; here it times out on every third question. */
const rerank = traced(
  async (query, documents, { timeOut = false } = {}) => {
    await pause(5);
    if (timeOut) throw new Error('reranker timed out after 2000 ms');
    // Documents naming the question's product first (the product word is in the document id).
    const relevance = (document) =>
      document.score + (query.toLowerCase().includes(document.id.replace('policy-', '')) ? 10 : 0);
    return [...documents].sort((a, b) => relevance(b) - relevance(a)).slice(0, 2);
  },
  {
    name: 'rerank',
    spanType: SpanType.RERANKER,
    inputs: (query, documents) => ({ query, documents: documents.map((d) => d.id) }),
  },
);

const buildPrompt = traced(
  (question, documents, history) => [
    {
      role: 'system',
      content: `You are a retail bank assistant. Answer loan questions briefly, using only this context:\n${documents.map((document) => `- ${document.text}`).join('\n')}`,
    },
    ...history,
    { role: 'user', content: question },
  ],
  { name: 'build-prompt', spanType: SpanType.CHAIN },
);

/** One turn of the chatbot: a trace named after the chain, with user and session. */
async function answer(question, { user, session, history, iteration }) {
  return startSpan(
    { name: 'loan-chatbot', spanType: SpanType.CHAIN, inputs: { question } },
    async (root) => {
      updateCurrentTrace({
        user,
        session,
        tags: { cost_center: 'retail-lending', project: 'loan-chatbot' },
      });
      const found = await retrieve(question, { slow: iteration === 4 });
      // Off-topic questions fail the chain: the trace ends in ERROR with the exception recorded.
      if (found.every((document) => document.score === 0)) {
        throw new Error('no policy document matches the question');
      }
      let documents;
      try {
        documents = await rerank(question, found, { timeOut: iteration % 3 === 2 });
      } catch {
        documents = found.slice(0, 2); // degrade gracefully; the span keeps the error
      }
      const messages = await buildPrompt(question, documents, history);
      let text = '';
      if (iteration % 2 === 0) {
        const completion = await openai.chat.completions.create({
          model: provider.model,
          messages,
          temperature: 0.2,
        });
        text = completion.choices[0]?.message.content ?? '';
      } else {
        // Streaming, as the chat UI does: the span records the time to the first token.
        const stream = await openai.chat.completions.create({
          model: provider.model,
          messages,
          temperature: 0.2,
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      }
      root.setOutputs({ answer: text });
      return { traceId: root.traceId, text };
    },
  );
}

heading('RAG chain traced with @cairn/sdk and @cairn/sdk/openai');
const conversations = [
  {
    user: 'u-1042',
    session: 'sess-77',
    questions: [
      'What would I pay monthly on a personal loan over 5 years?',
      'And for a car loan instead?',
      'Can I repay the car loan early?',
    ],
  },
  {
    user: 'u-2077',
    session: 'sess-81',
    questions: [
      'What rate do you charge for a mortgage?',
      'How much can I borrow to renovate my kitchen?',
      'Who can apply for a student loan?',
    ],
  },
  { user: 'u-3100', session: 'sess-85', questions: ["What's the weather tomorrow?"] },
];
let iteration = 0;
const traceIds = [];
for (const { user, session, questions } of conversations) {
  const history = [];
  for (const question of questions) {
    const answered = await answer(question, { user, session, history, iteration }).catch(
      (error) => ({ error }),
    );
    iteration++;
    if (answered.error) {
      console.log(`${user}/${session}  Q: ${question}\n  failed: ${answered.error.message}`);
      continue;
    }
    const { traceId, text } = answered;
    traceIds.push(traceId);
    history.push({ role: 'user', content: question }, { role: 'assistant', content: text });
    console.log(
      `${user}/${session}  Q: ${question}\n${' '.repeat(user.length + session.length + 3)}A: ${text}`,
    );
  }
}
await flushTraces();

// The chat widget's thumbs up/down, attached to each answer's trace as human feedback.
for (const [index, traceId] of traceIds.entries()) {
  await api(`/api/3.0/mlflow/traces/${traceId}/assessments`, {
    method: 'POST',
    body: {
      assessment: {
        assessment_name: 'user_feedback',
        source: { source_type: 'HUMAN', source_id: index < 3 ? 'u-1042' : 'u-2077' },
        feedback: { value: index % 4 !== 1 },
      },
    },
  });
}
console.log(`${traceIds.length} answers got a thumbs up or down from their user`);

heading('The same chain seen by an app that only speaks OpenTelemetry (OTLP/HTTP protobuf)');
const otelProvider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'loan-chatbot-otel' }),
  spanProcessors: [
    new BatchSpanProcessor(
      new OTLPTraceExporter({
        url: `${trackingUri}/v1/traces`,
        headers: { 'x-mlflow-experiment-id': experiment.experiment_id },
      }),
    ),
  ],
});
const tracer = otelProvider.getTracer('loan-chatbot-otel');
const otelRoot = tracer.startSpan('loan-chatbot (otel)', {
  attributes: {
    'openinference.span.kind': 'CHAIN',
    'input.value': 'What rate do you charge for a car loan?',
    'user.id': 'u-3003',
    'session.id': 'sess-90',
  },
});
const inRoot = trace.setSpan(ROOT_CONTEXT, otelRoot);
context.with(inRoot, () => {
  const retrieval = tracer.startSpan(
    'retrieve',
    { attributes: { 'openinference.span.kind': 'RETRIEVER' } },
    inRoot,
  );
  retrieval.setAttribute('output.value', JSON.stringify(['policy-car']));
  retrieval.end();
  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 180,
        'gen_ai.usage.output_tokens': 24,
      },
    },
    inRoot,
  );
  chat.setStatus({ code: SpanStatusCode.OK });
  chat.end();
});
otelRoot.setAttribute(
  'output.value',
  'A 25,000 EUR car loan over 48 months is offered at 4.9% APR.',
);
otelRoot.end();
await otelProvider.forceFlush();
await otelProvider.shutdown();
const otelTraceId = `tr-${otelRoot.spanContext().traceId}`;
console.log(
  `sent ${otelTraceId} through @opentelemetry/exporter-trace-otlp-proto to ${trackingUri}/v1/traces`,
);
await provider.close();

heading('What the server stored');
const { traces } = await api('/api/2.0/cairn/traces/search', {
  method: 'POST',
  body: {
    experiment_ids: [experiment.experiment_id],
    filter: "trace.name = 'loan-chatbot'",
    max_results: 100,
  },
});
const ours = traces.filter((stored) => traceIds.includes(stored.trace_id));
const tokens = ours.reduce((sum, stored) => sum + (stored.usage?.total_tokens ?? 0), 0);
const cost = ours.reduce((sum, stored) => sum + (stored.cost ?? 0), 0);
console.log(`${ours.length} chatbot traces, ${tokens} tokens, $${cost.toFixed(6)}`);
const failing = await api('/api/2.0/cairn/traces/search', {
  method: 'POST',
  body: {
    experiment_ids: [experiment.experiment_id],
    filter: "span.name = 'rerank' AND span.status = 'ERROR'",
  },
});
const failedReranks = failing.traces.filter((found) => traceIds.includes(found.trace_id));
console.log(`of which with a failed rerank step (span.status = 'ERROR'): ${failedReranks.length}`);
const failedChains = await api('/api/2.0/cairn/traces/search', {
  method: 'POST',
  body: { experiment_ids: [experiment.experiment_id], filter: "trace.status = 'ERROR'" },
});
console.log(
  `failed chains in the experiment (trace.status = 'ERROR'): ${failedChains.traces.length}`,
);
const slowest = [...ours].sort((a, b) => b.execution_time_ms - a.execution_time_ms)[0];
const { spans } = await api(`/api/2.0/cairn/traces/${slowest.trace_id}/spans`);
const slowSpan = [...spans]
  .filter((span) => span.parent_span_id)
  .sort((a, b) => b.duration_ms - a.duration_ms)[0];
console.log(
  `slowest trace ${slowest.trace_id}: ${slowest.execution_time_ms} ms, mostly '${slowSpan?.name}'`,
);
const { sessions } = await api('/api/2.0/cairn/traces/sessions', {
  query: { experiment_ids: experiment.experiment_id },
});
for (const session of sessions)
  console.log(
    `session ${session.session_id}: ${session.trace_count} turns, ${session.total_tokens} tokens`,
  );
const otel = await api(`/api/2.0/cairn/traces/${otelTraceId}`);
console.log(
  `OTLP trace ${otelTraceId}: ${otel.trace.span_count} spans, $${otel.trace.cost?.toFixed(6)}`,
);

console.log(`\nLook in the UI:
  traces    ${ui(`/experiments/${experiment.experiment_id}/traces`)}
  sessions  ${ui(`/experiments/${experiment.experiment_id}/sessions`)}
  slowest   ${ui(`/traces/${slowest.trace_id}`)}`);
