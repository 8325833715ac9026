import type { Experiment, Run } from '@cairn/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

describe.each(testBackends())('search routes on $name', (backend) => {
  let client: TestApp;
  let clock = 1_000;
  beforeEach(async () => {
    clock = 1_000;
    client = await openTestApp(backend, { clock: () => clock++ });
  });
  afterEach(async () => {
    await client.close();
  });

  it('searches runs and returns whole runs in the search order, paged', async () => {
    const runIds: string[] = [];
    for (const [index, loss] of [0.5, 0.1, 0.9].entries()) {
      const created = await client.call('POST', 'runs/create', {
        experiment_id: '0',
        run_name: `run-${index}`,
        start_time: 100 + index,
      });
      const runId = (created.body as { run: Run }).run.info.run_id;
      runIds.push(runId);
      await client.call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'loss', value: loss, timestamp: 1, step: 0 }],
        params: [{ key: 'index', value: String(index) }],
      });
    }
    const all = await client.call('POST', 'runs/search', { experiment_ids: ['0'] });
    expect(all.status).toBe(200);
    const runs = all.body.runs as Run[];
    // MLflow's default order: start_time DESC.
    expect(runs.map((run) => run.info.run_name)).toEqual(['run-2', 'run-1', 'run-0']);
    expect(runs[0]?.data.metrics).toEqual([{ key: 'loss', value: 0.9, timestamp: 1, step: 0 }]);
    expect(runs[0]?.data.params).toEqual([{ key: 'index', value: '2' }]);

    const filtered = await client.call('POST', 'runs/search', {
      experiment_ids: ['0'],
      filter: 'metrics.loss < 0.6',
      order_by: ['metrics.loss ASC'],
    });
    expect((filtered.body.runs as Run[]).map((run) => run.info.run_name)).toEqual([
      'run-1',
      'run-0',
    ]);

    const firstPage = await client.call('POST', 'runs/search', {
      experiment_ids: ['0'],
      max_results: 2,
    });
    expect(firstPage.body.runs as Run[]).toHaveLength(2);
    const secondPage = await client.call('POST', 'runs/search', {
      experiment_ids: ['0'],
      max_results: 2,
      page_token: firstPage.body.next_page_token,
    });
    expect((secondPage.body.runs as Run[]).map((run) => run.info.run_name)).toEqual(['run-0']);
    expect(secondPage.body.next_page_token).toBeUndefined();

    await client.call('POST', 'runs/delete', { run_id: runIds[0] });
    for (const [viewType, count] of [
      ['ACTIVE_ONLY', 2],
      [2, 1],
      ['3', 3],
      ['ALL', 3],
    ] as const) {
      const response = await client.call('POST', 'runs/search', {
        experiment_ids: ['0'],
        run_view_type: viewType,
      });
      expect(response.body.runs ?? [], String(viewType)).toHaveLength(count);
    }
  });

  it('validates run search fields', async () => {
    const cases: Record<string, unknown>[] = [
      { experiment_ids: ['0'], max_results: 50001 },
      { experiment_ids: ['0'], max_results: 0 },
      { experiment_ids: ['0'], max_results: 'many' },
      { experiment_ids: ['0'], run_view_type: 'SOME' },
      { experiment_ids: ['0'], run_view_type: 7 },
      { experiment_ids: ['0'], filter: 'metrics.loss >>> 1' },
    ];
    for (const fields of cases) {
      const response = await client.call('POST', 'runs/search', fields);
      expect(response, JSON.stringify(fields)).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    const empty = await client.call('POST', 'runs/search', { experiment_ids: ['0'] });
    expect(empty).toEqual({ status: 200, body: {} });
  });

  it('searches experiments by POST and GET with view types', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) {
      await client.call('POST', 'experiments/create', { name });
    }
    await client.call('POST', 'experiments/delete', { experiment_id: '2' });
    const active = await client.call('POST', 'experiments/search', {
      filter: "name LIKE '%a'",
      order_by: ['name ASC'],
    });
    expect((active.body.experiments as Experiment[]).map((experiment) => experiment.name)).toEqual([
      'alpha',
      'gamma',
    ]);
    const deleted = await client.call('GET', 'experiments/search', { view_type: 'DELETED_ONLY' });
    expect(deleted.body.experiments).toEqual([
      expect.objectContaining({ experiment_id: '2', name: 'beta', lifecycle_stage: 'deleted' }),
    ]);
    const paged = await client.call('GET', 'experiments/search', {
      view_type: 'ALL',
      max_results: 3,
    });
    expect(paged.body.experiments as Experiment[]).toHaveLength(3);
    expect(typeof paged.body.next_page_token).toBe('string');
    expect(await client.call('GET', 'experiments/search', { max_results: 50001 })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });
});
