import { hexId, Seeder } from './seed.js';

/** What the seeded scenario created, for the tests to look for. */
export interface Scenario {
  experimentId: string;
  runIds: string[];
  llmRunId: string;
  evalRunIds: [string, string];
  traceId: string;
}

const pixelPng = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAFklEQVR4nGNgYPj/n4GBgYGBgQEAJfwD/QIkZ3oAAAAASUVORK5CYII=',
    'base64',
  ),
);

/** Seeds experiments, runs with histories, artifacts, an LLM call, evaluations, traces, prompts and a model. */
export async function seedScenario(url: string): Promise<Scenario> {
  const seed = new Seeder(url);
  const experimentId = await seed.experiment('support-bot');
  await seed.experiment('retrieval-tuning');
  const runIds: string[] = [];
  for (let index = 0; index < 12; index++) {
    const lr = [0.001, 0.01, 0.1][index % 3] ?? 0.01;
    const model = index % 2 === 0 ? 'gpt-4o' : 'claude-3-5-sonnet';
    const loss = Array.from(
      { length: 30 },
      (_, step) => 2 / (1 + step * lr * 10) + (index % 4) * 0.05,
    );
    const accuracy = Array.from({ length: 30 }, (_, step) =>
      Math.min(0.99, 0.5 + step * 0.012 + index * 0.01),
    );
    runIds.push(
      await seed.run(experimentId, `run-${String(index).padStart(2, '0')}`, {
        params: { lr: String(lr), model, batch_size: String(16 * (1 + (index % 2))) },
        metrics: { loss, accuracy },
        tags: { team: index < 6 ? 'search' : 'support' },
        startTime: Date.now() - (20 - index) * 3_600_000,
      }),
    );
  }

  const llmRunId = await seed.run(experimentId, 'llm-call', {
    params: { model: 'gpt-4o-mini', temperature: '0.2' },
    metrics: {
      prompt_tokens: [42],
      completion_tokens: [17],
      total_tokens: [59],
      cost_usd: [0.000016],
    },
  });
  await seed.artifact(llmRunId, 'prompt.txt', 'What is the capital of France?');
  await seed.artifact(llmRunId, 'response.txt', 'The capital of France is Paris.');
  await seed.artifact(
    llmRunId,
    'interaction_metadata.json',
    JSON.stringify({
      model: 'gpt-4o-mini',
      usage: { prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 },
      cost_usd: 0.000016,
      latency_ms: 812,
      user: 'ada',
    }),
  );
  await seed.artifact(
    llmRunId,
    'notes/README.md',
    '# Findings\n\n- **Paris** is right\n- latency is fine\n',
  );
  await seed.artifact(
    llmRunId,
    'notes/table.csv',
    'question,answer,score\n"capital, France",Paris,1\nlargest ocean,Pacific,0.9\n',
  );
  await seed.artifact(
    llmRunId,
    'notes/report.html',
    '<h1>Report</h1><script>document.title="pwned"</script>',
  );
  await seed.artifact(llmRunId, 'plots/pixel.png', pixelPng);

  const evalRunIds: [string, string] = ['', ''];
  for (const [position, variant] of (['baseline', 'candidate'] as const).entries()) {
    const runId = await seed.run(experimentId, `eval-${variant}`, {
      params: { prompt_version: String(position + 1) },
      metrics: { 'exact_match/mean': [position === 0 ? 0.5 : 0.75] },
      tags: { 'mlflow.runName': `eval-${variant}` },
    });
    evalRunIds[position] = runId;
    const rows = [
      [
        'What is 2+2?',
        '4',
        position === 0 ? '5' : '4',
        position === 0 ? 0 : 1,
        position === 0 ? 'Wrong sum.' : 'Correct.',
      ],
      ['Capital of Japan?', 'Tokyo', 'Tokyo', 1, 'Matches.'],
      [
        'Color of the sky?',
        'blue',
        position === 0 ? 'blue' : 'azure',
        position === 0 ? 1 : 0,
        'Synonym not accepted.',
      ],
      ['Largest planet?', 'Jupiter', 'Jupiter', 1, 'Matches.'],
    ];
    await seed.artifact(
      runId,
      'eval_results_table.json',
      JSON.stringify({
        columns: [
          'inputs',
          'ground_truth',
          'outputs',
          'exact_match/score',
          'exact_match/justification',
        ],
        data: rows,
      }),
    );
  }

  // Traces: an agent trace with a chat model, a retriever and a failing tool; plus a session.
  // A minute in the past, so every seeded trace falls inside "until now" ranges.
  const now = BigInt(Date.now() - 60_000) * 1_000_000n;
  const traceHex = hexId(16, 0xa11ce);
  const chatInputs = JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Where is my order #1234?' },
    ],
  });
  const chatOutputs = JSON.stringify({
    choices: [{ message: { role: 'assistant', content: 'Your order ships tomorrow.' } }],
  });
  await seed.spans(experimentId, [
    {
      traceId: traceHex,
      spanId: hexId(8, 1),
      name: 'support_agent',
      startNs: now,
      endNs: now + 1_500_000_000n,
      attributes: {
        'mlflow.spanType': '"AGENT"',
        'mlflow.spanInputs': JSON.stringify({ question: 'Where is my order #1234?' }),
        'mlflow.spanOutputs': JSON.stringify('Your order ships tomorrow.'),
        'mlflow.trace.user': 'ada',
        'mlflow.trace.session': 'session-1',
      },
    },
    {
      traceId: traceHex,
      spanId: hexId(8, 2),
      parentSpanId: hexId(8, 1),
      name: 'search_orders',
      startNs: now + 100_000_000n,
      endNs: now + 400_000_000n,
      attributes: {
        'mlflow.spanType': '"RETRIEVER"',
        'mlflow.spanOutputs': JSON.stringify([
          { page_content: 'Order 1234: ships tomorrow', metadata: { id: 1234 } },
        ]),
      },
    },
    {
      traceId: traceHex,
      spanId: hexId(8, 3),
      parentSpanId: hexId(8, 1),
      name: 'lookup_tracking',
      startNs: now + 400_000_000n,
      endNs: now + 600_000_000n,
      error: true,
      attributes: { 'mlflow.spanType': '"TOOL"' },
    },
    {
      traceId: traceHex,
      spanId: hexId(8, 4),
      parentSpanId: hexId(8, 1),
      name: 'ChatOpenAI',
      startNs: now + 600_000_000n,
      endNs: now + 1_400_000_000n,
      attributes: {
        'mlflow.spanType': '"CHAT_MODEL"',
        'mlflow.spanInputs': chatInputs,
        'mlflow.spanOutputs': chatOutputs,
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
      },
    },
  ]);
  for (let index = 0; index < 3; index++) {
    const start = now + BigInt(index + 1) * 5_000_000_000n;
    await seed.spans(experimentId, [
      {
        traceId: hexId(16, 0xb0b0 + index),
        spanId: hexId(8, 100 + index),
        name: `followup_${index}`,
        startNs: start,
        endNs: start + 300_000_000n,
        attributes: {
          'mlflow.spanType': '"CHAIN"',
          'mlflow.trace.user': index === 2 ? 'grace' : 'ada',
          'mlflow.trace.session': index === 2 ? 'session-2' : 'session-1',
          'mlflow.spanInputs': JSON.stringify({ question: `follow-up ${index}` }),
        },
      },
    ]);
  }
  const search = await seed.call<{ traces: { trace_id: string; name: string }[] }>(
    'GET',
    `/api/2.0/cairn/traces/search?experiment_ids=${experimentId}&max_results=50`,
  );
  const traceId = search.traces.find((trace) => trace.name === 'support_agent')?.trace_id ?? '';

  // Prompts with two versions and an alias; a registered model with two versions.
  await seed.call('POST', '/api/2.0/cairn/prompts/create', {
    name: 'support-answer',
    template: 'Answer the question: {{question}}\nBe brief.',
    commit_message: 'first draft',
  });
  await seed.call('POST', '/api/2.0/cairn/prompts/create', {
    name: 'support-answer',
    template: 'Answer the customer question: {{question}}\nBe brief and kind.\nCite the order id.',
    commit_message: 'kinder tone',
  });
  await seed.call('POST', '/api/2.0/mlflow/registered-models/alias', {
    name: 'support-answer',
    alias: 'production',
    version: '1',
  });
  await seed.call('POST', '/api/2.0/mlflow/registered-models/create', {
    name: 'support-classifier',
    description: 'Routes support tickets to teams.',
  });
  for (const runId of runIds.slice(0, 2)) {
    await seed.call('POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'support-classifier',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
  }
  await seed.call('POST', '/api/2.0/mlflow/registered-models/alias', {
    name: 'support-classifier',
    alias: 'champion',
    version: '2',
  });
  return { experimentId, runIds, llmRunId, evalRunIds, traceId };
}
