import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { hexId, postOtlpSpans, ragTrace, type TestSpan } from './test-kit/otlp-requests.js';

describe.each(testBackends())('span ingestion into traces on $name', (backend) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await openTestApp(backend);
  });
  afterAll(() => test.close());

  const send = async (spans: TestSpan[]) => {
    const response = await postOtlpSpans(test.app, spans);
    expect(response.statusCode, response.body).toBe(200);
  };
  const trace = async (traceId: string) =>
    (await test.app.inject({ method: 'GET', url: `/api/2.0/cairn/traces/tr-${traceId}` })).json()
      .trace;
  const search = async (filter: string) =>
    (
      await test.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/search',
        payload: {
          locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }],
          filter,
        },
      })
    )
      .json()
      .traces.map((info: { trace_id: string }) => info.trace_id);

  it('merges trace tags and metadata from the root and from spans sent after it', async () => {
    const spans = ragTrace();
    const traceId = spans[0]!.traceId;
    Object.assign(spans[0]!.attributes!, {
      'cairn.trace.tags': JSON.stringify({ 'mlflow.traceName': 'answer', team: 'search' }),
      'cairn.trace.metadata': JSON.stringify({ 'mlflow.sourceRun': 'run-1' }),
      'mlflow.trace.user': '"bob"',
      'user.id': 'bob',
    });
    await send(spans);
    expect(await trace(traceId)).toMatchObject({
      name: 'answer',
      state: 'OK',
      tags: { 'mlflow.traceName': 'answer', team: 'search' },
      trace_metadata: {
        'mlflow.sourceRun': 'run-1',
        'mlflow.trace.user': 'bob',
        'mlflow.trace.session': 'session-1',
      },
    });

    // A detached span that outlived the root carries what updateCurrentTrace set afterwards.
    const start = BigInt(Date.now()) * 1_000_000n;
    await send([
      {
        traceId,
        spanId: hexId(8),
        parentSpanId: spans[0]!.spanId,
        name: 'late',
        start,
        end: start + 1000n,
        attributes: {
          'cairn.trace.tags': JSON.stringify({ 'mlflow.traceName': 'renamed', stage: 'late' }),
          'cairn.trace.metadata': JSON.stringify({ 'mlflow.sourceRun': 'run-2', extra: 'x' }),
        },
      },
    ]);
    const after = await trace(traceId);
    expect(after).toMatchObject({ name: 'renamed', span_count: 5, state: 'OK' });
    expect(after.tags).toEqual({ 'mlflow.traceName': 'renamed', team: 'search', stage: 'late' });
    // Metadata is set once: the first source run stays.
    expect(after.trace_metadata).toMatchObject({ 'mlflow.sourceRun': 'run-1', extra: 'x' });
    expect(await search("tags.team = 'search'")).toEqual([`tr-${traceId}`]);
    expect(await search("metadata.`mlflow.sourceRun` = 'run-1'")).toEqual([`tr-${traceId}`]);
  });

  it('stores text with quotes, braces, backslashes and non-ASCII characters verbatim', async () => {
    const traceId = hexId(16);
    const start = BigInt(Date.now()) * 1_000_000n;
    const name = 'say "hi" {a,b} \\ NULL ünïcødé 🪨';
    await send([
      { traceId, spanId: hexId(8), name, start, end: start, attributes: { [name]: name } },
    ]);
    const page = (
      await test.app.inject({ method: 'GET', url: `/api/2.0/cairn/traces/tr-${traceId}/spans` })
    ).json();
    expect(page.spans[0]).toMatchObject({ name, attributes: { [name]: name } });
    expect(await trace(traceId)).toMatchObject({ name, state: 'OK' });
  });

  it("orders a trace's spans by start time as numbers, across pages", async () => {
    const traceId = hexId(16);
    const starts = [100n, 9n, 10n, 1_000n, 99n];
    await send(
      starts.map((start, index) => ({
        traceId,
        spanId: hexId(8),
        name: `s${start}`,
        parentSpanId: index === 0 ? undefined : hexId(8),
        start,
        end: start,
      })),
    );
    const names: string[] = [];
    let token = '';
    do {
      const query = `?max_results=2${token ? `&page_token=${token}` : ''}`;
      const page = (
        await test.app.inject({
          method: 'GET',
          url: `/api/2.0/cairn/traces/tr-${traceId}/spans${query}`,
        })
      ).json();
      names.push(...page.spans.map((span: { name: string }) => span.name));
      token = page.next_page_token ?? '';
    } while (token);
    expect(names).toEqual(['s9', 's10', 's99', 's100', 's1000']);
  });

  it('replaces re-sent spans and keeps the roll-ups exact', async () => {
    const spans = ragTrace();
    const traceId = spans[0]!.traceId;
    await send(spans.slice(1));
    expect(await trace(traceId)).toMatchObject({
      state: 'IN_PROGRESS',
      span_count: 3,
      usage: { total_tokens: 1500 },
    });
    // The chat span again with other usage, a new model, and the root: 4 spans, not 5.
    const chat = spans[3]!;
    chat.attributes = {
      ...chat.attributes,
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
    };
    await send([spans[0]!, chat, chat]);
    const stored = await trace(traceId);
    expect(stored).toMatchObject({
      state: 'OK',
      name: 'rag',
      span_count: 4,
      usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
    });
    expect(stored.usage_by_model).toEqual([
      expect.objectContaining({ model: 'gpt-4o-mini', total_tokens: 15, span_count: 1 }),
    ]);
    const page = (
      await test.app.inject({ method: 'GET', url: `/api/2.0/cairn/traces/tr-${traceId}/spans` })
    ).json();
    expect(page.spans.map((span: { name: string }) => span.name)).toEqual([
      'rag',
      'retrieve',
      'rerank',
      'chat gpt-4o',
    ]);
    expect(page.spans[3]).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('stores spans sent in concurrent batches that share traces once, with exact roll-ups', async () => {
    const traces = Array.from({ length: 6 }, () => ragTrace());
    // Every batch carries every trace, in opposite orders, so concurrent writers contend.
    const batches = Array.from({ length: 8 }, (_, index) => {
      const ordered = index % 2 === 0 ? traces : [...traces].reverse();
      return ordered.flatMap((spans) => (index % 2 === 0 ? spans : [...spans].reverse()));
    });
    await Promise.all(batches.map(send));
    for (const spans of traces) {
      const stored = await trace(spans[0]!.traceId);
      expect(stored).toMatchObject({
        state: 'OK',
        span_count: 4,
        usage: { total_tokens: 1500 },
      });
      expect(stored.usage_by_model).toEqual([
        expect.objectContaining({ model: 'gpt-4o', total_tokens: 1500, span_count: 1 }),
      ]);
    }
  });
});
