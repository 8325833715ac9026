import type { Run } from '@cairn/spec';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

const routes: ['GET' | 'POST', string][] = [
  ['POST', 'experiments/create'],
  ['GET', 'experiments/get'],
  ['GET', 'experiments/get-by-name'],
  ['POST', 'experiments/search'],
  ['GET', 'experiments/search'],
  ['POST', 'experiments/update'],
  ['POST', 'experiments/delete'],
  ['POST', 'experiments/restore'],
  ['POST', 'experiments/set-experiment-tag'],
  ['POST', 'experiments/delete-experiment-tag'],
  ['POST', 'runs/create'],
  ['GET', 'runs/get'],
  ['POST', 'runs/update'],
  ['POST', 'runs/delete'],
  ['POST', 'runs/restore'],
  ['POST', 'runs/set-tag'],
  ['POST', 'runs/delete-tag'],
  ['POST', 'runs/log-metric'],
  ['POST', 'runs/log-parameter'],
  ['POST', 'runs/log-batch'],
  ['POST', 'runs/log-inputs'],
  ['POST', 'runs/search'],
  ['GET', 'metrics/get-history'],
  ['GET', 'metrics/get-history-bulk-interval'],
  ['GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk'],
];

const fieldNames = [
  'run_id',
  'run_uuid',
  'experiment_id',
  'experiment_ids',
  'name',
  'new_name',
  'experiment_name',
  'artifact_location',
  'key',
  'value',
  'timestamp',
  'step',
  'metrics',
  'params',
  'tags',
  'datasets',
  'dataset',
  'run_ids',
  'metric_key',
  'max_results',
  'page_token',
  'start_step',
  'end_step',
  'filter',
  'order_by',
  'view_type',
  'run_view_type',
  'status',
  'end_time',
  'run_name',
  'start_time',
  'user_id',
];

describe.each(testBackends())('tracking routes under random input on $name', (backend) => {
  let client: TestApp;
  let runId: string;
  beforeAll(async () => {
    client = await openTestApp(backend);
    const created = await client.call('POST', 'runs/create', { experiment_id: '0' });
    runId = (created.body as { run: Run }).run.info.run_id;
  });
  afterAll(async () => {
    await client.close();
  });

  it('never answers 5xx, whatever the body or field types', async () => {
    const scalar = fc.oneof(
      fc.constantFrom(
        runId,
        '0',
        '1',
        'NaN',
        'Infinity',
        '-1',
        '',
        'ACTIVE_ONLY',
        'a/../b',
        '\u0000',
      ),
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(Number.MAX_SAFE_INTEGER),
    );
    const item = fc.dictionary(
      fc.constantFrom(
        'key',
        'value',
        'timestamp',
        'step',
        'dataset',
        'tags',
        'name',
        'digest',
        'source',
        'source_type',
      ),
      fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })),
    );
    const fieldValue = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 4 }),
      fc.array(item, { maxLength: 4 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const body = fc.oneof(
      fc.dictionary(fc.constantFrom(...fieldNames), fieldValue, { maxKeys: 6 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path], fields) => {
        const url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`;
        const response =
          method === 'GET'
            ? await client.app.inject({
                method,
                url,
                query: toQuery(fields),
              })
            : await client.app.inject({
                method,
                url,
                headers: { 'content-type': 'application/json' },
                payload: JSON.stringify(fields),
              });
        expect(
          response.statusCode,
          `${method} ${path} ${JSON.stringify(fields)} → ${response.body}`,
        ).toBeLessThan(500);
      }),
      { numRuns: Number(process.env.CAIRN_FUZZ_RUNS ?? 400) },
    );
  });

  it('answers a NUL character in stored text without 5xx (PostgreSQL refuses it)', async () => {
    const text = 'a\u0000b';
    for (const [path, fields] of [
      ['experiments/create', { name: text }],
      ['experiments/set-experiment-tag', { experiment_id: '0', key: 'k', value: text }],
      ['runs/set-tag', { run_id: runId, key: 'k', value: text }],
      ['runs/log-parameter', { run_id: runId, key: 'nul', value: text }],
      ['runs/create', { experiment_id: '0', run_name: text }],
    ] as const) {
      const response = await client.call('POST', path, fields);
      expect(response.status, path).toBeLessThan(500);
    }
    const lookup = await client.call('GET', 'experiments/get-by-name', { experiment_name: text });
    expect(lookup.status).toBeLessThan(500);
  });

  it('answers 400 to malformed JSON and non-object bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes.filter(([method]) => method === 'POST')),
        fc.oneof(fc.string(), fc.constantFrom('{', '[1,2]', '"text"', 'null', '{"run_id": }')),
        async ([, path], payload) => {
          const response = await client.app.inject({
            method: 'POST',
            url: `/api/2.0/mlflow/${path}`,
            headers: { 'content-type': 'application/json' },
            payload,
          });
          expect(response.statusCode, `${path} ${payload} → ${response.body}`).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function toQuery(fields: unknown): Record<string, string | string[]> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return {};
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    // Query strings carry text only; objects (some without a prototype) travel as JSON.
    const text = (item: unknown) =>
      typeof item === 'string' ? item : (JSON.stringify(item) ?? '');
    query[name] = Array.isArray(value) ? value.map(text) : text(value);
  }
  return query;
}
