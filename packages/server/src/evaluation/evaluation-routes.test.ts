import type { ChatRequest } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { Storage } from '../storage/index.js';
import { unusedArtifacts } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { AssessmentStore } from '../tracing/index.js';
import { hexId, otlpJsonRequest, ragTrace } from '../tracing/test-kit/otlp-requests.js';
import { OnlineRuleStore, OnlineScorer } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: the test reads response JSON freely
type Body = Record<string, any>;

describe.each(testBackends())('evaluation datasets and online scoring on $name', (backend) => {
  let storage: Storage;
  let app: ReturnType<typeof buildApp>;
  let now = Date.UTC(2026, 2, 1, 12);
  const clock = () => now;
  const judgeRequests: ChatRequest[] = [];
  // A judge speaking the OpenAI wire format, reached through the injected fetch.
  const judgeFetch: typeof fetch = async (_url, init) => {
    const request = JSON.parse(String(init?.body)) as ChatRequest;
    judgeRequests.push(request);
    const content = JSON.stringify({ score: 4, justification: 'on topic' });
    return new Response(
      JSON.stringify({
        id: 'j',
        object: 'chat.completion',
        created: 0,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
  };

  beforeAll(async () => {
    storage = await backend.open();
    app = buildApp(
      { storage, artifacts: unusedArtifacts, clock, authorize: () => {} },
      { logLevel: 'silent', evaluation: { scorer: false } },
    );
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
  });

  const call = async (method: 'GET' | 'POST', path: string, fields: Body = {}) => {
    const response = await app.inject({
      method,
      url: `/api/2.0/cairn${path}`,
      ...(method === 'GET' ? { query: fields } : { payload: fields }),
    });
    return { status: response.statusCode, body: response.json() as Body };
  };

  it('versions a dataset on every change, with content digests and paged records', async () => {
    const created = await call('POST', '/datasets/create', {
      name: 'qa',
      experiment_id: '0',
      tags: { team: 'search' },
      records: [
        {
          inputs: { question: 'What is a cairn?' },
          expectations: { expected_response: 'A pile of stones.' },
        },
        {
          inputs: { question: 'Capital of France?' },
          expectations: { expected_response: 'Paris' },
        },
      ],
    });
    expect(created.status).toBe(200);
    const dataset = created.body.dataset;
    expect(dataset).toMatchObject({
      name: 'qa',
      version: 1,
      record_count: 2,
      tags: { team: 'search' },
    });
    expect(dataset.digest).toMatch(/^[0-9a-f]{16}$/);

    const added = await call('POST', '/datasets/records/add', {
      dataset_id: dataset.dataset_id,
      records: [
        { inputs: { question: 'Largest ocean?' }, expectations: { expected_response: 'Pacific' } },
      ],
    });
    expect(added.body.dataset).toMatchObject({ version: 2, record_count: 3 });
    expect(added.body.dataset.digest).not.toBe(dataset.digest);

    const v1 = await call('GET', '/datasets/records', {
      dataset_id: dataset.dataset_id,
      version: '1',
    });
    expect(v1.body.records.map((record: Body) => record.inputs.question)).toEqual([
      'What is a cairn?',
      'Capital of France?',
    ]);
    expect(v1.body.digest).toBe(dataset.digest);
    const page1 = await call('GET', '/datasets/records', { name: 'qa', max_results: '2' });
    expect(page1.body.records).toHaveLength(2);
    const page2 = await call('GET', '/datasets/records', {
      name: 'qa',
      max_results: '2',
      page_token: page1.body.next_page_token,
    });
    expect(page2.body.records.map((record: Body) => record.inputs.question)).toEqual([
      'Largest ocean?',
    ]);
    expect(page2.body.next_page_token).toBeUndefined();

    const removed = await call('POST', '/datasets/records/delete', {
      dataset_id: dataset.dataset_id,
      record_ids: [page2.body.records[0].record_id],
    });
    expect(removed.body.dataset).toMatchObject({ version: 3, record_count: 2 });
    // The same records in the same order give the same digest, whatever the history.
    expect(removed.body.dataset.digest).toBe(dataset.digest);
    const versions = await call('GET', '/datasets/versions', { dataset_id: dataset.dataset_id });
    expect(versions.body.versions.map((version: Body) => version.record_count)).toEqual([2, 3, 2]);

    const search = await call('POST', '/datasets/search', { experiment_id: '0', name_like: 'q%' });
    expect(search.body.datasets.map((item: Body) => item.name)).toEqual(['qa']);
  });

  it('answers client mistakes with MLflow errors', async () => {
    expect((await call('POST', '/datasets/create', { name: 'qa' })).body.error_code).toBe(
      'RESOURCE_ALREADY_EXISTS',
    );
    const noInputs = await call('POST', '/datasets/create', {
      name: 'x',
      records: [{ expectations: 1 }],
    });
    expect(noInputs).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect((await call('GET', '/datasets/get', { dataset_id: 'd-missing' })).status).toBe(404);
    const badRule = await call('POST', '/evaluations/online-rules/create', {
      experiment_id: '0',
      name: 'bad',
      metrics: ['no_such_metric'],
    });
    expect(badRule.status).toBe(400);
    expect(badRule.body.message).toMatch(/unknown metric 'no_such_metric'/);
    const badFilter = await call('POST', '/evaluations/online-rules/create', {
      experiment_id: '0',
      name: 'bad',
      metrics: ['toxicity'],
      filter_string: 'trace.nonsense = 1',
    });
    expect(badFilter.status).toBe(400);
  });

  it('scores new traces with code and judge metrics as assessments, within the judge budget', async () => {
    const rule = await call('POST', '/evaluations/online-rules/create', {
      experiment_id: '0',
      name: 'quality',
      sample_rate: 1,
      filter_string: "trace.status = 'OK'",
      metrics: ['toxicity', { name: 'answer_relevance', judge: 'openai:/gpt-4o-mini' }],
      daily_judge_call_limit: 2,
    });
    expect(rule.status).toBe(200);
    const ruleId = rule.body.rule.rule_id as string;
    const before = ragTrace(hexId(16), now - 60_000); // older than the rule: not scored
    const traces = [1, 2, 3].map((offset) => ragTrace(hexId(16), now + offset * 1000));
    for (const spans of [before, ...traces]) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/traces',
        payload: JSON.stringify(otlpJsonRequest(spans)),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(200);
    }
    now += 10_000;
    const scorer = new OnlineScorer(
      storage,
      new OnlineRuleStore(storage, clock),
      new AssessmentStore(storage, clock),
      clock,
      {
        judgeSettings: { openAiBaseUrl: 'http://judge.invalid/v1', fetch: judgeFetch },
        chunkSize: 1,
      },
    );
    await scorer.tick();
    await scorer.tick(); // a second pass finds nothing new

    const assessmentsOf = async (traceId: string) => {
      const response = await app.inject({
        method: 'GET',
        url: `/api/3.0/mlflow/traces/tr-${traceId}`,
      });
      return ((response.json() as Body).trace.trace_info.assessments ?? []) as Body[];
    };
    expect(await assessmentsOf(before[0]!.traceId)).toEqual([]);
    const scored = await Promise.all(traces.map((spans) => assessmentsOf(spans[0]!.traceId)));
    for (const list of scored) {
      const toxicity = list.filter((item) => item.assessment_name === 'toxicity');
      expect(toxicity).toHaveLength(1);
      expect(toxicity[0]).toMatchObject({
        source: { source_type: 'CODE' },
        feedback: { value: 0 },
        metadata: { 'cairn.online_rule_id': ruleId },
      });
    }
    const judged = scored.map((list) =>
      list.filter((item) => item.assessment_name === 'answer_relevance'),
    );
    expect(judged.map((list) => list.length)).toEqual([1, 1, 0]);
    expect(judged[0]![0]).toMatchObject({
      source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' },
      feedback: { value: 4 },
      rationale: 'on topic',
    });
    expect(judgeRequests).toHaveLength(2);
    expect(JSON.stringify(judgeRequests[0]!.messages)).toContain('What is a cairn?');

    const after = await call('GET', '/evaluations/online-rules/get', { rule_id: ruleId });
    expect(after.body.rule).toMatchObject({
      traces_scored: 3,
      judge_calls: 2,
      budget_day: '2026-03-01',
    });
    expect(after.body.rule.last_error).toMatch(/judge budget/);
    const listed = await call('GET', '/evaluations/online-rules/list', { experiment_id: '0' });
    expect(listed.body.rules.map((item: Body) => item.name)).toEqual(['quality']);
    const disabled = await call('POST', '/evaluations/online-rules/update', {
      rule_id: ruleId,
      enabled: false,
    });
    expect(disabled.body.rule.enabled).toBe(false);
  });

  it('builds a dataset from production traces', async () => {
    const traces = await app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/search',
      payload: { experiment_ids: ['0'] },
    });
    const ids = (traces.json() as Body).traces.map((trace: Body) => trace.trace_id).slice(0, 2);
    const created = await call('POST', '/datasets/from-traces', {
      name: 'from-prod',
      trace_ids: ids,
    });
    expect(created.body).toMatchObject({ added: 2, dataset: { version: 1, record_count: 2 } });
    const records = await call('GET', '/datasets/records', { name: 'from-prod' });
    expect(records.body.records[0]).toMatchObject({
      inputs: { question: 'What is a cairn?' },
      expectations: { expected_response: 'A pile of stones.' },
      tags: { source_trace_id: ids[0] },
    });
  });
});
