import type { ViewType } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/index.js';
import { testBackends } from '../test-kit/test-backends.js';
import { searchExperimentIds } from './index.js';

// Experiment 0 (Default) is created by the migration with the current time, so it is newest.
const experiments = [
  { id: 1, name: 'exp-a', created: 1000, updated: 5000, tags: { team: 'A' } },
  { id: 2, name: 'Exp-B', created: 2000, updated: 2000, tags: {} },
  { id: 3, name: 'exp-c', created: 2000, updated: 2100, deleted: true, tags: {} },
  { id: 4, name: 'other', created: 3000, updated: 3000, tags: { team: 'b', "it's": 'x' } },
];

describe.each(testBackends())('experiment search on $name', (backend) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await backend.open();
    for (const experiment of experiments) {
      await storage.db
        .insertInto('experiments')
        .values({
          experiment_id: experiment.id,
          name: experiment.name,
          artifact_location: `mlflow-artifacts:/${experiment.id}`,
          lifecycle_stage: experiment.deleted ? 'deleted' : 'active',
          creation_time: experiment.created,
          last_update_time: experiment.updated,
        })
        .execute();
      for (const [key, value] of Object.entries(experiment.tags))
        await storage.db
          .insertInto('experiment_tags')
          .values({ experiment_id: experiment.id, key, value })
          .execute();
    }
  });
  afterAll(() => storage.close());

  interface Search {
    filter?: string;
    orderBy?: string[];
    view?: ViewType;
    maxResults?: number;
    pageToken?: string;
  }
  const search = (query: Search) =>
    searchExperimentIds(storage, {
      filter: query.filter,
      viewType: query.view ?? 'ACTIVE_ONLY',
      maxResults: query.maxResults ?? 100,
      orderBy: query.orderBy ?? [],
      pageToken: query.pageToken,
    });
  const ids = async (query: Search) => (await search(query)).experimentIds;

  it('orders newest first, then by id, within the view type', async () => {
    expect(await ids({})).toEqual([0, 4, 2, 1]);
    expect(await ids({ view: 'ALL' })).toEqual([0, 4, 2, 3, 1]);
    expect(await ids({ view: 'DELETED_ONLY' })).toEqual([3]);
  });

  it.each([
    ["name LIKE 'exp%'", 'ACTIVE_ONLY', [1]],
    ["name LIKE 'exp%'", 'ALL', [3, 1]],
    ["name ILIKE 'exp%'", 'ACTIVE_ONLY', [2, 1]],
    ["attributes.name = 'Default'", 'ACTIVE_ONLY', [0]],
    ["name != 'Default'", 'ACTIVE_ONLY', [4, 2, 1]],
    ['creation_time >= 2000 and creation_time < 3000', 'ALL', [2, 3]],
    ['last_update_time > 4000', 'ACTIVE_ONLY', [0, 1]],
    ['creation_time = 1000.5', 'ACTIVE_ONLY', []],
    ["tags.team = 'A'", 'ACTIVE_ONLY', [1]],
    ["tag.team ILIKE 'a'", 'ACTIVE_ONLY', [1]],
    ["tags.team != 'A'", 'ACTIVE_ONLY', [4]],
    ["tags.`it's` = 'x'", 'ACTIVE_ONLY', [4]],
    ["name = 'x'' or ''1''=''1'", 'ALL', []],
  ] as const)('filter %s (%s)', async (filter, view, expected) => {
    expect(await ids({ filter, view })).toEqual(expected);
  });

  it.each([
    [['name'], [0, 2, 1, 4]],
    [['name DESC'], [4, 1, 2, 0]],
    [['creation_time ASC'], [1, 2, 4, 0]],
    [['experiment_id DESC'], [4, 2, 1, 0]],
    [
      ['last_update_time', 'name'],
      [2, 4, 1, 0],
    ],
  ])('order_by %j', async (orderBy, expected) => {
    expect(await ids({ orderBy })).toEqual(expected);
  });

  it('breaks ties on experiment_id DESC when order_by does not name it', async () => {
    expect(await ids({ orderBy: ['creation_time'], view: 'ALL' })).toEqual([1, 3, 2, 4, 0]);
    expect(await ids({ orderBy: ['creation_time', 'experiment_id'], view: 'ALL' })).toEqual([
      1, 2, 3, 4, 0,
    ]);
  });

  it('pages with offset tokens', async () => {
    const first = await search({ maxResults: 2 });
    expect(first.experimentIds).toEqual([0, 4]);
    expect(first.nextPageToken).toBeDefined();
    expect(await search({ maxResults: 2, pageToken: first.nextPageToken })).toEqual({
      experimentIds: [2, 1],
    });
  });

  it('refuses bad input as INVALID_PARAMETER_VALUE', async () => {
    const invalid = { errorCode: 'INVALID_PARAMETER_VALUE' };
    await expect(search({ filter: 'metrics.a > 1' })).rejects.toMatchObject(invalid);
    await expect(search({ orderBy: ['tags.team'] })).rejects.toMatchObject(invalid);
    await expect(search({ pageToken: 'e30=' })).rejects.toMatchObject({
      ...invalid,
      message: 'Invalid page token, parsed value={}',
    });
  });
});
