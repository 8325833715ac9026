import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { hexId, otlpProtobufRequest, ragTrace, type TestSpan } from './test-kit/otlp-requests.js';

const route = 'cairn.gateway.route';

describe.each(testBackends())(
  "trace_info's user, session and route columns on $name",
  (backend) => {
    let test: TestApp;
    beforeAll(async () => {
      test = await openTestApp(backend);
    });
    afterAll(() => test.close());

    const call = async (method: 'POST' | 'PATCH', url: string, payload: object | Buffer) => {
      const response = await test.app.inject({
        method,
        url,
        payload,
        ...(Buffer.isBuffer(payload)
          ? { headers: { 'content-type': 'application/x-protobuf' } }
          : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
      return Buffer.isBuffer(payload) ? undefined : response.json();
    };
    /** MLflow 3's log-trace of a finished trace with this metadata. */
    const logTraceV3 = (traceId: string, metadata: Record<string, string>) =>
      call('POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: traceId,
            trace_location: {
              type: 'MLFLOW_EXPERIMENT',
              mlflow_experiment: { experiment_id: '0' },
            },
            request_time: '2026-01-01T00:00:00.000Z',
            state: 'OK',
            trace_metadata: metadata,
          },
        },
      });
    const sendSpans = (spans: TestSpan[]) =>
      call('POST', '/v1/traces', Buffer.from(otlpProtobufRequest(spans)));

    /** The three columns, after checking each equals the trace's metadata row (or null). */
    const columns = async (requestId: string) => {
      const db = test.storage.db;
      const row = await db
        .selectFrom('trace_info')
        .select(['user_id', 'session_id', 'route'])
        .where('request_id', '=', requestId)
        .executeTakeFirstOrThrow();
      const metadata = await db
        .selectFrom('trace_request_metadata')
        .select(['key', 'value'])
        .where('request_id', '=', requestId)
        .execute();
      const value = (key: string) => metadata.find((entry) => entry.key === key)?.value ?? null;
      expect(row).toEqual({
        user_id: value('mlflow.trace.user'),
        session_id: value('mlflow.trace.session'),
        route: value(route),
      });
      return row;
    };

    it('OTLP spans fill them, and a later span does not change the first values', async () => {
      const spans = ragTrace();
      const traceId = spans[0]!.traceId;
      spans[0]!.attributes!['cairn.trace.metadata'] = JSON.stringify({ [route]: 'chat' });
      await sendSpans(spans);
      expect(await columns(`tr-${traceId}`)).toEqual({
        user_id: 'alice',
        session_id: 'session-1',
        route: 'chat',
      });

      // Span metadata is written once per key: the first user and route stay, as in the metadata.
      const start = BigInt(Date.now()) * 1_000_000n;
      await sendSpans([
        {
          traceId,
          spanId: hexId(8),
          parentSpanId: spans[0]!.spanId,
          name: 'late',
          start,
          end: start + 1000n,
          attributes: {
            'user.id': 'carol',
            'cairn.trace.metadata': JSON.stringify({ [route]: 'embed' }),
          },
        },
      ]);
      expect(await columns(`tr-${traceId}`)).toEqual({
        user_id: 'alice',
        session_id: 'session-1',
        route: 'chat',
      });
    });

    it('OTLP spans without a user or session leave them null', async () => {
      const spans = ragTrace();
      delete spans[0]!.attributes!['user.id'];
      delete spans[0]!.attributes!['session.id'];
      await sendSpans(spans);
      expect(await columns(`tr-${spans[0]!.traceId}`)).toEqual({
        user_id: null,
        session_id: null,
        route: null,
      });
    });

    it("the v3 REST API's trace metadata fills them", async () => {
      const traceId = `tr-${hexId(16)}`;
      await logTraceV3(traceId, {
        'mlflow.trace.user': 'dave',
        'mlflow.trace.session': 's-9',
        [route]: 'rag',
      });
      expect(await columns(traceId)).toEqual({ user_id: 'dave', session_id: 's-9', route: 'rag' });
    });

    it('OTLP spans for a trace the REST API logged keep its values and fill the missing ones', async () => {
      const spans = ragTrace();
      const traceId = `tr-${spans[0]!.traceId}`;
      await logTraceV3(traceId, { 'mlflow.trace.user': 'erin' });
      spans[0]!.attributes!['cairn.trace.metadata'] = JSON.stringify({ [route]: 'chat' });
      await sendSpans(spans);
      expect(await columns(traceId)).toEqual({
        user_id: 'erin',
        session_id: 'session-1',
        route: 'chat',
      });
    });

    it("the MLflow 2 SDK's start and end trace fill them, end-trace metadata replacing", async () => {
      const started = await call('POST', '/api/2.0/mlflow/traces', {
        experiment_id: '0',
        timestamp_ms: 1000,
        request_metadata: [{ key: 'mlflow.trace.user', value: 'erin' }],
      });
      const requestId = started.trace_info.request_id as string;
      expect(await columns(requestId)).toEqual({ user_id: 'erin', session_id: null, route: null });

      await call('PATCH', `/api/2.0/mlflow/traces/${requestId}`, {
        timestamp_ms: 2000,
        status: 'OK',
        request_metadata: [
          { key: 'mlflow.trace.user', value: 'frank' },
          { key: 'mlflow.trace.session', value: 's-2' },
        ],
      });
      expect(await columns(requestId)).toEqual({
        user_id: 'frank',
        session_id: 's-2',
        route: null,
      });
    });
  },
);
