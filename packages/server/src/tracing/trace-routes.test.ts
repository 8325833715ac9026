import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArtifactRepository } from '../artifacts/index.js';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

describe.each(testBackends())('trace RPCs on $name', (backend) => {
  let test: TestApp;
  let dir: string;
  const now = Date.UTC(2026, 0, 1);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-trace-artifacts-'));
    test = await openTestApp(backend, {
      artifacts: await openArtifactRepository(dir, {}),
      clock: () => now,
    });
  });
  afterAll(async () => {
    await test.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const v3 = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    test.app
      .inject({ method, url: `/api/3.0/mlflow${path}`, ...(payload ? { payload } : {}) })
      .then((response) => ({ status: response.statusCode, body: response.json() }));
  const v2 = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
    test.app
      .inject({ method, url: `/api/2.0/mlflow${path}`, ...(payload ? { payload } : {}) })
      .then((response) => ({ status: response.statusCode, body: response.json() }));

  it('logs a v3 trace, names its artifact location, and serves get, tags and assessments', async () => {
    const traceId = 'tr-0123456789abcdef0123456789abcdef';
    const started = await v3('POST', '/traces', {
      trace: {
        trace_info: {
          trace_id: traceId,
          client_request_id: 'client-1',
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
          request_time: '2026-01-01T00:00:00.000Z',
          execution_duration: '1.5s',
          state: 'OK',
          request_preview: '{"q":1}',
          trace_metadata: { 'mlflow.trace.session': 's-9' },
          tags: { 'mlflow.traceName': 'answer' },
        },
      },
    });
    expect(started.status).toBe(200);
    expect(started.body.trace.trace_info).toMatchObject({
      trace_id: traceId,
      client_request_id: 'client-1',
      state: 'OK',
      execution_duration: '1.5s',
      request_time: '2026-01-01T00:00:00.000Z',
      tags: {
        'mlflow.artifactLocation': `mlflow-artifacts:/0/traces/${traceId}/artifacts`,
        'mlflow.trace.spansLocation': 'TRACKING_STORE',
      },
    });

    expect(
      (await v3('PATCH', `/traces/${traceId}/tags`, { key: 'team', value: 'search' })).status,
    ).toBe(200);
    expect((await v3('DELETE', `/traces/${traceId}/tags`, { key: 'nope' })).status).toBe(404);
    const fetched = await v3('GET', `/traces/${traceId}`);
    expect(fetched.body.trace.trace_info.tags.team).toBe('search');
    expect((await v3('GET', '/traces/tr-missing')).status).toBe(404);

    const created = await v3('POST', `/traces/${traceId}/assessments`, {
      assessment: {
        assessment_name: 'correct',
        source: { source_type: 'HUMAN', source_id: 'bob' },
        feedback: { value: true },
        rationale: 'checked',
      },
    });
    expect(created.status).toBe(200);
    const assessmentId = created.body.assessment.assessment_id as string;
    expect(assessmentId).toMatch(/^a-[0-9a-f]{32}$/);
    const updated = await v3('PATCH', `/traces/${traceId}/assessments/${assessmentId}`, {
      assessment: { rationale: 'rechecked' },
      update_mask: 'rationale',
    });
    expect(updated.body.assessment).toMatchObject({
      rationale: 'rechecked',
      feedback: { value: true },
    });
    const search = await v3('POST', '/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }],
      filter: "feedback.correct = 'true' AND metadata.`mlflow.trace.session` = 's-9'",
    });
    expect(search.body.traces.map((trace: { trace_id: string }) => trace.trace_id)).toEqual([
      traceId,
    ]);
    expect(search.body.traces[0].assessments).toHaveLength(1);
    const missing = await v3('POST', `/traces/${traceId}/assessments`, {
      assessment: { assessment_name: 'x' },
    });
    expect(missing.status).toBe(400);
    expect((await v3('DELETE', `/traces/${traceId}/assessments/${assessmentId}`)).status).toBe(200);
    expect((await v3('GET', `/traces/${traceId}/assessments/${assessmentId}`)).status).toBe(404);
  });

  it('links prompt versions to a trace, adding to earlier links, and finds it by either', async () => {
    const traceId = 'tr-11112222333344445555666677778888';
    const logged = await v3('POST', '/traces', {
      trace: {
        trace_info: {
          trace_id: traceId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } },
          request_time: '2026-01-01T00:00:00.000Z',
          execution_duration: '1s',
          state: 'OK',
        },
      },
    });
    expect(logged.status).toBe(200);
    const link = (prompt_versions: unknown) =>
      v2('POST', '/traces/link-prompts', { trace_id: traceId, prompt_versions });
    expect(await link([{ name: 'qa', version: '3' }])).toEqual({ status: 200, body: {} });
    expect(
      (
        await link([
          { name: 'summary', version: 1 },
          { name: 'qa', version: '3' },
        ])
      ).status,
    ).toBe(200);
    const info = await v3('GET', `/traces/${traceId}`);
    expect(JSON.parse(info.body.trace.trace_info.tags['mlflow.linkedPrompts'])).toEqual([
      { name: 'qa', version: '3' },
      { name: 'summary', version: '1' },
    ]);
    for (const prompt of ['qa/3', 'summary/1']) {
      const found = await v2(
        'GET',
        `/traces?experiment_ids=0&filter=${encodeURIComponent(`prompt = "${prompt}"`)}`,
      );
      expect(found.body.traces.map((trace: { request_id: string }) => trace.request_id)).toContain(
        traceId,
      );
    }
    expect(await link([{ name: 'qa' }])).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(
      await v2('POST', '/traces/link-prompts', {
        trace_id: 'tr-00000000000000000000000000000000',
        prompt_versions: [{ name: 'qa', version: '3' }],
      }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('replays an MLflow 2 client: start, upload traces.json through the proxy, end, read spans', async () => {
    const started = await v2('POST', '/traces', {
      experiment_id: '0',
      timestamp_ms: now,
      request_metadata: [{ key: 'mlflow.trace_schema.version', value: '2' }],
      tags: [{ key: 'mlflow.traceName', value: 'predict' }],
    });
    expect(started.status).toBe(200);
    const info = started.body.trace_info;
    expect(info).toMatchObject({ experiment_id: '0', status: 'IN_PROGRESS', timestamp_ms: now });
    const requestId = info.request_id as string;
    const location = (info.tags as { key: string; value: string }[]).find(
      (tag) => tag.key === 'mlflow.artifactLocation',
    )!.value;
    const startNs = now * 1_000_000;
    const tracesJson = {
      spans: [
        {
          name: 'predict',
          context: {
            span_id: '0x00000000000000a1',
            trace_id: '0x000000000000000000000000000000f1',
          },
          parent_id: null,
          start_time: startNs,
          end_time: startNs + 50_000_000,
          status_code: 'OK',
          status_message: '',
          attributes: {
            'mlflow.traceRequestId': JSON.stringify(requestId),
            'mlflow.spanType': '"CHAIN"',
            'mlflow.spanInputs': '{"x": 1}',
            'mlflow.spanOutputs': '"y"',
          },
          events: [],
        },
        {
          name: 'llm',
          context: {
            span_id: '0x00000000000000a2',
            trace_id: '0x000000000000000000000000000000f1',
          },
          parent_id: '0x00000000000000a1',
          start_time: startNs + 1_000_000,
          end_time: startNs + 40_000_000,
          status_code: 'OK',
          status_message: '',
          attributes: {
            'mlflow.traceRequestId': JSON.stringify(requestId),
            'mlflow.spanType': '"CHAT_MODEL"',
            'mlflow.chat.tokenUsage':
              '{"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}',
            'mlflow.llm.model': '"gpt-4o-mini"',
          },
          events: [],
        },
      ],
      request: '{"x": 1}',
      response: '"y"',
    };
    const path = location.replace('mlflow-artifacts:/', '');
    const upload = await test.app.inject({
      method: 'PUT',
      url: `/api/2.0/mlflow-artifacts/artifacts/${path}/traces.json`,
      payload: JSON.stringify(tracesJson),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(upload.statusCode).toBe(200);
    const ended = await v2('PATCH', `/traces/${requestId}`, {
      timestamp_ms: now + 50,
      status: 'OK',
    });
    expect(ended.body.trace_info).toMatchObject({ status: 'OK', execution_time_ms: 50 });

    const full = await v3('GET', `/traces/get?trace_id=${requestId}`);
    expect(full.status).toBe(200);
    const spans = full.body.trace.spans as {
      name: string;
      parent_span_id: string;
      attributes: { key: string; value: { string_value: string } }[];
    }[];
    expect(spans.map((span) => span.name)).toEqual(['predict', 'llm']);
    expect(spans[1]!.parent_span_id).toBe(
      Buffer.from('00000000000000a1', 'hex').toString('base64'),
    );
    const attribute = (span: (typeof spans)[number], key: string) =>
      span.attributes.find((entry) => entry.key === key)?.value.string_value;
    expect(attribute(spans[1]!, 'mlflow.spanType')).toBe('"CHAT_MODEL"');
    expect(attribute(spans[0]!, 'mlflow.spanInputs')).toBe('{"x":1}');
    const trace = await test.app.inject({
      method: 'GET',
      url: `/api/2.0/cairn/traces/${requestId}`,
    });
    expect(trace.json().trace).toMatchObject({
      span_count: 2,
      name: 'predict',
      usage: { total_tokens: 15 },
      usage_by_model: [{ model: 'gpt-4o-mini', total_tokens: 15 }],
    });
    const v2Search = await v2(
      'GET',
      `/traces?experiment_ids=0&filter=${encodeURIComponent("name = 'predict'")}`,
    );
    expect(v2Search.body.traces.map((found: { request_id: string }) => found.request_id)).toEqual([
      requestId,
    ]);
  });

  it('deletes traces by id and by age, and expires them by retention period', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const started = await v2('POST', '/traces', {
        experiment_id: '0',
        timestamp_ms: 1000 + index,
      });
      ids.push(started.body.trace_info.request_id);
    }
    const byId = await v2('POST', '/traces/delete-traces', {
      experiment_id: '0',
      request_ids: [ids[0]],
    });
    expect(byId.body).toEqual({ traces_deleted: 1 });
    const byAge = await v3('POST', '/traces/delete-traces', {
      experiment_id: '0',
      max_timestamp_millis: 1001,
      max_traces: 10,
    });
    expect(byAge.body).toEqual({ traces_deleted: 1 });
    expect((await v2('GET', `/traces/${ids[2]}/info`)).status).toBe(200);

    const set = await test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/retention',
      payload: { experiment_id: '0', retention_days: 1 },
    });
    expect(set.json()).toEqual({ experiment_id: '0', retention_days: 1 });
    const { TraceRetention } = await import('./trace-retention.js');
    const retention = new TraceRetention(test.storage, () => now);
    expect(await retention.sweep(1)).toBeGreaterThanOrEqual(1);
    expect((await v2('GET', `/traces/${ids[2]}/info`)).status).toBe(404);
    const cleared = await test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/retention',
      payload: { experiment_id: '0', retention_days: null },
    });
    expect(cleared.json()).toEqual({ experiment_id: '0' });
  });
});
