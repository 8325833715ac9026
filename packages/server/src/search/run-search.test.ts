import type { ViewType } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/index.js';
import { testBackends } from '../test-kit/test-backends.js';
import { searchRunIds } from './index.js';
import { type RunSeed, seedRuns } from './test-kit/seed-runs.js';

// Experiment 1 holds runs a–f (f deleted); experiment 2 holds g; experiment 3 holds ties.
const runs: RunSeed[] = [
  {
    id: 'run-a',
    name: 'alpha',
    start: 1000,
    end: 2000,
    user: 'ann',
    metrics: { acc: 0.9, loss: 0.1 },
    params: { model: 'gpt-4', lr: '0.1' },
    tags: { team: 'Retrieval', 'mlflow.runName': 'alpha', 'my-key': 'v1' },
    datasets: [{ name: 'train-set', digest: 'd1', context: 'training' }],
  },
  {
    id: 'run-b',
    name: 'beta',
    status: 'RUNNING',
    start: 3000,
    user: 'bob',
    metrics: { acc: 0.5, loss: Number.NaN },
    params: { model: 'GPT-4', lr: '0.01' },
    tags: { team: 'retrieval' },
    datasets: [{ name: 'eval-set', digest: 'd2', context: 'eval' }],
  },
  {
    id: 'run-c',
    name: 'Gamma',
    status: 'FAILED',
    start: 2000,
    end: 2500,
    user: 'ann',
    metrics: { acc: 0.7 },
    params: { model: 'claude' },
    tags: { team: 'ranking', 'my-key': 'v2' },
    datasets: [{ name: 'train-set', digest: 'd1', context: 'eval' }],
  },
  {
    id: 'run-d',
    name: 'delta_x',
    start: 2000,
    metrics: { acc: Number.NaN },
    tags: { quote: "it's" },
  },
  { id: 'run-e', name: 'eps%', start: 500, params: { model: "x'; drop table runs; --" } },
  { id: 'run-f', name: 'phi', start: 4000, deleted: true, metrics: { acc: 1 } },
  { id: 'run-g', name: 'other', experiment: 2, start: 5000, metrics: { acc: 0.95 } },
  { id: 'tie-1', name: 't1', experiment: 3, start: 1, metrics: { score: 1 } },
  { id: 'tie-3', name: 't3', experiment: 3, start: 3, metrics: { score: 1 } },
  { id: 'tie-2', name: 't2', experiment: 3, start: 2, metrics: { score: 1 } },
  { id: 'tie-0', name: 't0', experiment: 3, start: 9, metrics: { score: 0 } },
];

describe.each(testBackends())('run search on $name', (backend) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await backend.open();
    await seedRuns(storage, runs);
  });
  afterAll(() => storage.close());

  interface Search {
    filter?: string;
    orderBy?: string[];
    view?: ViewType;
    experiments?: string[];
    maxResults?: number;
    pageToken?: string;
  }
  const search = (query: Search) =>
    searchRunIds(storage, {
      experimentIds: query.experiments ?? ['1'],
      filter: query.filter,
      runViewType: query.view ?? 'ACTIVE_ONLY',
      maxResults: query.maxResults ?? 100,
      orderBy: query.orderBy ?? [],
      pageToken: query.pageToken,
    });
  const ids = async (query: Search) =>
    (await search(query)).runIds.map((id) => id.replace('run-', ''));

  it('orders by start_time DESC then run id, within the view type and experiments', async () => {
    expect(await ids({})).toEqual(['b', 'c', 'd', 'a', 'e']);
    expect(await ids({ view: 'DELETED_ONLY' })).toEqual(['f']);
    expect(await ids({ view: 'ALL' })).toEqual(['f', 'b', 'c', 'd', 'a', 'e']);
    expect(await ids({ experiments: ['1', '2'] })).toEqual(['g', 'b', 'c', 'd', 'a', 'e']);
    expect(await ids({ experiments: ['2', 'not-a-number'] })).toEqual(['g']);
    expect(await ids({ experiments: [] })).toEqual([]);
  });

  it.each([
    ['metrics.acc > 0.6', ['c', 'a']],
    ['metrics.acc >= 0.7', ['c', 'a']],
    ['metrics.acc = 0.5', ['b']],
    ['metrics.acc <= 0.7', ['b', 'c']],
    ['metrics.acc < 0.7', ['b']],
    ['metrics.acc != 0.5', ['c', 'd', 'a']],
    ['metric.loss >= 0', ['a']],
    ['metrics.loss != 1', ['b', 'a']],
    ['metrics.missing > 0', []],
    ['metrics.acc > -1e3', ['b', 'c', 'a']],
  ])('metrics: %s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });

  it.each([
    ["params.model = 'gpt-4'", ['a']],
    ["params.model != 'gpt-4'", ['b', 'c', 'e']],
    ["params.model LIKE 'gpt%'", ['a']],
    ["params.model LIKE 'GPT%'", ['b']],
    ["params.model ILIKE 'gpt%'", ['b', 'a']],
    ["params.model LIKE '%-4'", ['b', 'a']],
    ["params.model LIKE 'g_t-4'", ['a']],
    ["param.lr = '0.01'", ['b']],
    ["tags.team = 'retrieval'", ['b']],
    ["tags.team ILIKE 'RETRIEVAL'", ['b', 'a']],
    ["tags.team like 'r%'", ['b', 'c']],
    ["tags.`my-key` = 'v2'", ['c']],
    ['tags."my-key" != \'v2\'', ['a']],
    ["tags.mlflow.runName = 'alpha'", ['a']],
    ["tags.quote = 'it''s'", ['d']],
    ['tags.quote = "it\'s"', ['d']],
  ])('params and tags: %s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });

  it.each([
    ["status = 'FINISHED'", ['d', 'a', 'e']],
    ["attributes.status != 'FINISHED'", ['b', 'c']],
    ["run_name = 'alpha'", ['a']],
    ["`run name` ILIKE 'GAMMA'", ['c']],
    ["run_name LIKE 'G%'", ['c']],
    ["run_name LIKE 'g%'", []],
    ["user_id = 'ann'", ['c', 'a']],
    ["run_id IN ('run-a', 'run-e', 'run-g')", ['a', 'e']],
    ["attr.run_id NOT IN ('run-a')", ['b', 'c', 'd', 'e']],
    ["run.run_id = 'run-c'", ['c']],
    ["artifact_uri LIKE '%/run-b/%'", ['b']],
    ["lifecycle_stage = 'active'", ['b', 'c', 'd', 'a', 'e']],
    ['start_time >= 2000', ['b', 'c', 'd']],
    ['start_time > 1999.5', ['b', 'c', 'd']],
    ['start_time <= 2000.5', ['c', 'd', 'a', 'e']],
    ['start_time = 2000.5', []],
    ['start_time != 2000.5', ['b', 'c', 'd', 'a', 'e']],
    ['start_time < 1e300', ['b', 'c', 'd', 'a', 'e']],
    ['created < 1000', ['e']],
    ['end_time > 1500', ['c', 'a']],
    ['end_time != 2000', ['c']],
  ])('attributes: %s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });

  it.each([
    ["run_name LIKE 'eps\\%'", ['e']],
    ["run_name LIKE 'eps%'", ['e']],
    ["run_name LIKE 'delta\\_x'", ['d']],
    ["run_name LIKE '%'", ['b', 'c', 'd', 'a', 'e']],
    ["run_name LIKE '*'", []],
    ["run_name LIKE 'alph?'", []],
    ["run_name LIKE '[a]lpha'", []],
    ["run_name ILIKE 'ALPH_'", ['a']],
    ["run_name LIKE 'alpha\\\\'", []],
  ])('LIKE wildcards and escapes: %s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });

  it.each([
    ["datasets.name = 'train-set'", ['c', 'a']],
    ["dataset.digest IN ('d2')", ['b']],
    ["datasets.context = 'eval'", ['b', 'c']],
    ["datasets.context ILIKE 'TRAIN%'", ['a']],
    ["datasets.name NOT IN ('train-set')", ['b']],
    ["datasets.name != 'eval-set'", ['c', 'a']],
    ["datasets.context LIKE 'Eval'", []],
  ])('datasets: %s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });

  it('ANDs clauses of every kind', async () => {
    expect(
      await ids({
        filter: "metrics.acc > 0.4 and params.model ILIKE 'gpt%' AND status != 'FAILED'",
      }),
    ).toEqual(['b', 'a']);
    expect(
      await ids({
        filter: "datasets.name = 'train-set' and metrics.acc > 0.8 and user_id = 'ann'",
      }),
    ).toEqual(['a']);
  });

  it('treats SQL-looking input as data', async () => {
    expect(await ids({ filter: `params.model = "x'; drop table runs; --"` })).toEqual(['e']);
    expect(await ids({ filter: "tags.`x'; drop table runs; --` = 'y'" })).toEqual([]);
    expect(await ids({ filter: "run_id IN ('run-a'' or ''1''=''1')" })).toEqual([]);
    expect(await ids({ orderBy: ["params.`model'); drop table runs; --`"] })).toEqual([
      'b',
      'c',
      'd',
      'a',
      'e',
    ]);
    expect(await ids({})).toHaveLength(5);
  });

  it.each([
    [['metrics.acc DESC'], ['a', 'c', 'b', 'd', 'e']],
    [['metrics.acc'], ['b', 'c', 'a', 'd', 'e']],
    [['metrics.loss DESC'], ['a', 'b', 'c', 'd', 'e']],
    [['params.model ASC'], ['b', 'c', 'a', 'e', 'd']],
    [['params.model DESC'], ['e', 'a', 'c', 'b', 'd']],
    [['tags.team DESC'], ['b', 'c', 'a', 'd', 'e']],
    [['start_time ASC'], ['e', 'a', 'c', 'd', 'b']],
    [['attributes.end_time DESC'], ['c', 'a', 'b', 'd', 'e']],
    [['end_time'], ['a', 'c', 'b', 'd', 'e']],
    [['run_name'], ['c', 'a', 'b', 'd', 'e']],
    [['`Run name` DESC'], ['e', 'd', 'b', 'a', 'c']],
    [
      ['status', 'metrics.acc DESC'],
      ['c', 'a', 'd', 'e', 'b'],
    ],
    [['run_id DESC'], ['e', 'd', 'c', 'b', 'a']],
  ])('order_by %j, missing values last', async (orderBy, expected) => {
    expect(await ids({ orderBy })).toEqual(expected);
  });

  it('orders on a filtered metric the same whichever plan runs it', async () => {
    expect(await ids({ filter: 'metrics.acc > 0.4', orderBy: ['metrics.acc DESC'] })).toEqual([
      'a',
      'c',
      'b',
    ]);
    expect(await ids({ filter: 'metrics.acc > 0.4', orderBy: ['metrics.acc'] })).toEqual([
      'b',
      'c',
      'a',
    ]);
    expect(
      await ids({
        filter: 'metrics.acc > 0.4',
        orderBy: ['metrics.acc DESC'],
        experiments: ['1', '2'],
        view: 'ALL',
      }),
    ).toEqual(['f', 'g', 'a', 'c', 'b']);
    // Fewer runs than matching points: SQLite reads the runs first rather than walking the index.
    expect(
      await ids({ filter: 'metrics.acc > 0.4', orderBy: ['metrics.acc DESC'], experiments: ['2'] }),
    ).toEqual(['g']);
    expect(await ids({ filter: 'metrics.acc != 0.5', orderBy: ['metrics.acc DESC'] })).toEqual([
      'a',
      'c',
      'd',
    ]);
    expect(
      await ids({
        filter: 'metrics.score > 0.5',
        orderBy: ['metrics.score DESC'],
        experiments: ['3'],
      }),
    ).toEqual(['tie-3', 'tie-2', 'tie-1']);
    expect(
      await ids({ filter: 'metrics.score >= 0', orderBy: ['metrics.score'], experiments: ['3'] }),
    ).toEqual(['tie-0', 'tie-3', 'tie-2', 'tie-1']);
  });

  it('pages with MLflow offset tokens until the rows run out', async () => {
    const first = await search({ maxResults: 2 });
    expect(first.runIds).toEqual(['run-b', 'run-c']);
    expect(first.nextPageToken).toBe(Buffer.from('{"offset": 2}').toString('base64'));
    const second = await search({ maxResults: 2, pageToken: first.nextPageToken });
    expect(second.runIds).toEqual(['run-d', 'run-a']);
    const third = await search({ maxResults: 2, pageToken: second.nextPageToken });
    expect(third).toEqual({ runIds: ['run-e'] });
    expect(await search({ maxResults: 5 })).toEqual({
      runIds: ['run-b', 'run-c', 'run-d', 'run-a', 'run-e'],
    });

    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = await search({
        filter: 'metrics.score >= 0',
        orderBy: ['metrics.score DESC'],
        experiments: ['3'],
        maxResults: 1,
        pageToken,
      });
      pages.push(page.runIds);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(pages).toEqual([['tie-3'], ['tie-2'], ['tie-1'], ['tie-0']]);
  });

  it('refuses bad filters, order_by items and page tokens as INVALID_PARAMETER_VALUE', async () => {
    const invalid = { errorCode: 'INVALID_PARAMETER_VALUE' };
    await expect(search({ filter: 'metrics.acc > 1 or metrics.acc < 0' })).rejects.toMatchObject(
      invalid,
    );
    await expect(search({ orderBy: ['metrics.acc sideways'] })).rejects.toMatchObject(invalid);
    await expect(search({ orderBy: ['datasets.name'] })).rejects.toMatchObject(invalid);
    await expect(search({ pageToken: 'garbage!' })).rejects.toMatchObject({
      ...invalid,
      message: 'Invalid page token, could not base64-decode',
    });
  });
});
