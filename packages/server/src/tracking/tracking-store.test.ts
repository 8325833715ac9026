import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/index.js';
import { testBackends } from '../test-kit/test-backends.js';
import { createTrackingStore, type TrackingStore } from './index.js';

describe.each(testBackends())('tracking store on $name', (backend) => {
  let storage: Storage;
  let store: TrackingStore;
  let now = 1_000;

  beforeEach(async () => {
    storage = await backend.open();
    now = 1_000;
    store = createTrackingStore(storage, () => now);
  });
  afterEach(async () => {
    await storage.close();
  });

  const newRun = async (experimentId = '0', runName = 'r') =>
    (await store.runs.create({ experimentId, userId: 'u', runName, startTime: 5, tags: [] })).info
      .run_id;

  describe('experiments', () => {
    it('creates with a default artifact location and tags, gets by id and by name', async () => {
      const id = await store.experiments.create({
        name: 'e1',
        tags: [
          { key: 'k', value: 'old' },
          { key: 'k', value: 'new' },
        ],
      });
      expect(id).toBe('1');
      const experiment = await store.experiments.get(id);
      expect(experiment).toEqual({
        experiment_id: '1',
        name: 'e1',
        artifact_location: 'mlflow-artifacts:/1',
        lifecycle_stage: 'active',
        creation_time: 1_000,
        last_update_time: 1_000,
        tags: [{ key: 'k', value: 'new' }],
      });
      expect(await store.experiments.getByName('e1')).toEqual(experiment);
      const custom = await store.experiments.create({
        name: 'e2',
        artifactLocation: 's3://b/p',
        tags: [],
      });
      expect((await store.experiments.get(custom)).artifact_location).toBe('s3://b/p');
    });

    it('refuses a taken name and reports unknown ids and names', async () => {
      await store.experiments.create({ name: 'dup', tags: [] });
      await expect(store.experiments.create({ name: 'dup', tags: [] })).rejects.toMatchObject({
        errorCode: 'RESOURCE_ALREADY_EXISTS',
        message: 'Experiment(name=dup) already exists.',
      });
      await expect(store.experiments.get('42')).rejects.toMatchObject({
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        message: 'No Experiment with id=42 exists',
      });
      await expect(store.experiments.get('abc')).rejects.toMatchObject({
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
      });
      await expect(store.experiments.getByName('nope')).rejects.toMatchObject({
        message: "Could not find experiment with name 'nope'",
      });
    });

    it('renames, soft-deletes with its runs, and restores with its runs', async () => {
      const id = await store.experiments.create({ name: 'a', tags: [] });
      const runId = await newRun(id);
      now = 2_000;
      await store.experiments.rename(id, 'b');
      expect(await store.experiments.get(id)).toMatchObject({ name: 'b', last_update_time: 2_000 });
      await store.experiments.create({ name: 'c', tags: [] });
      await expect(store.experiments.rename(id, 'c')).rejects.toMatchObject({
        errorCode: 'RESOURCE_ALREADY_EXISTS',
      });
      await store.experiments.delete(id);
      expect((await store.experiments.get(id)).lifecycle_stage).toBe('deleted');
      expect((await store.runs.get(runId)).info.lifecycle_stage).toBe('deleted');
      await expect(store.experiments.delete(id)).rejects.toMatchObject({
        errorCode: 'INVALID_PARAMETER_VALUE',
        message: `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
      });
      await expect(store.experiments.rename(id, 'z')).rejects.toMatchObject({
        errorCode: 'INVALID_PARAMETER_VALUE',
      });
      await store.experiments.restore(id);
      expect((await store.experiments.get(id)).lifecycle_stage).toBe('active');
      expect((await store.runs.get(runId)).info.lifecycle_stage).toBe('active');
    });

    it('sets, overwrites and deletes tags, only on active experiments', async () => {
      await store.experiments.setTag('0', { key: 't', value: '1' });
      await store.experiments.setTag('0', { key: 't', value: '2' });
      expect((await store.experiments.get('0')).tags).toEqual([{ key: 't', value: '2' }]);
      await store.experiments.deleteTag('0', 't');
      expect((await store.experiments.get('0')).tags).toBeUndefined();
      await expect(store.experiments.deleteTag('0', 't')).rejects.toMatchObject({
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        message: 'No tag with name: t in experiment with id 0',
      });
      await store.experiments.delete('0');
      await expect(store.experiments.setTag('0', { key: 't', value: '3' })).rejects.toMatchObject({
        errorCode: 'INVALID_PARAMETER_VALUE',
      });
    });

    it('loads many in the given order, skipping unknown ids', async () => {
      const a = await store.experiments.create({ name: 'a', tags: [] });
      const b = await store.experiments.create({ name: 'b', tags: [{ key: 'x', value: 'y' }] });
      const loaded = await store.experiments.loadMany([Number(b), 99, 0, Number(a)]);
      expect(loaded.map((experiment) => experiment.name)).toEqual(['b', 'Default', 'a']);
    });
  });

  describe('runs', () => {
    it('creates a run under the experiment artifact location', async () => {
      const run = await store.runs.create({
        experimentId: '0',
        userId: 'alice',
        runName: 'first',
        startTime: 7,
        tags: [{ key: 'mlflow.runName', value: 'first' }],
      });
      expect(run.info).toMatchObject({
        run_name: 'first',
        experiment_id: '0',
        user_id: 'alice',
        status: 'RUNNING',
        start_time: 7,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/0/${run.info.run_id}/artifacts`,
      });
      expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
      expect(run.info.end_time).toBeUndefined();
      expect(await store.runs.get(run.info.run_id)).toEqual(run);
    });

    it('refuses runs in deleted or unknown experiments', async () => {
      await expect(newRun('77')).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
      const id = await store.experiments.create({ name: 'gone', tags: [] });
      await store.experiments.delete(id);
      await expect(newRun(id)).rejects.toMatchObject({
        message: `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
      });
    });

    it('updates only the given fields and mirrors a new name into mlflow.runName', async () => {
      const runId = await newRun();
      const info = await store.runs.update(runId, { status: 'FINISHED', endTime: 9 });
      expect(info).toMatchObject({ status: 'FINISHED', end_time: 9, run_name: 'r' });
      const renamed = await store.runs.update(runId, { runName: 'renamed' });
      expect(renamed).toMatchObject({ status: 'FINISHED', end_time: 9, run_name: 'renamed' });
      expect((await store.runs.get(runId)).data.tags).toEqual([
        { key: 'mlflow.runName', value: 'renamed' },
      ]);
    });

    it('deletes and restores, and refuses writes to deleted runs', async () => {
      const runId = await newRun();
      await expect(store.runs.restore(runId)).rejects.toMatchObject({
        message: `The run ${runId} must be in the 'deleted' state. Current state is active.`,
      });
      await store.runs.delete(runId);
      expect((await store.runs.get(runId)).info.lifecycle_stage).toBe('deleted');
      const deletedMessage = `The run ${runId} must be in the 'active' state. Current state is deleted.`;
      for (const write of [
        () => store.runs.setTag(runId, { key: 'a', value: 'b' }),
        () => store.runs.logParam(runId, { key: 'a', value: 'b' }),
        () => store.runs.update(runId, { status: 'FAILED' }),
        () =>
          store.runData.logBatch(runId, {
            metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
            params: [],
            tags: [],
          }),
      ]) {
        await expect(write()).rejects.toMatchObject({
          errorCode: 'INVALID_PARAMETER_VALUE',
          message: deletedMessage,
        });
      }
      await store.runs.restore(runId);
      await store.runs.setTag(runId, { key: 'a', value: 'b' });
    });

    it('reports unknown runs with MLflow message', async () => {
      await expect(store.runs.get('nope')).rejects.toMatchObject({
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        message: 'Run with id=nope not found',
      });
      await expect(
        store.runData.logBatch('nope', { metrics: [], params: [], tags: [] }),
      ).rejects.toMatchObject({ message: 'Run with id=nope not found' });
    });

    it('sets tags (mlflow.runName renames the run) and deletes them', async () => {
      const runId = await newRun();
      await store.runs.setTag(runId, { key: 'mlflow.runName', value: 'via-tag' });
      expect((await store.runs.get(runId)).info.run_name).toBe('via-tag');
      await store.runs.setTag(runId, { key: 'x', value: '1' });
      await store.runs.deleteTag(runId, 'x');
      await expect(store.runs.deleteTag(runId, 'x')).rejects.toMatchObject({
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        message: `No tag with name: x in run with id ${runId}`,
      });
    });

    it('keeps params immutable: same value is a no-op, another value is refused', async () => {
      const runId = await newRun();
      await store.runs.logParam(runId, { key: 'p', value: 'a' });
      await store.runs.logParam(runId, { key: 'p', value: 'a' });
      await expect(store.runs.logParam(runId, { key: 'p', value: 'b' })).rejects.toMatchObject({
        errorCode: 'INVALID_PARAMETER_VALUE',
        message: `Changing param values is not allowed. Param with key='p' was already logged with value='a' for run ID='${runId}'. Attempted logging new value 'b'.`,
      });
      expect((await store.runs.get(runId)).data.params).toEqual([{ key: 'p', value: 'a' }]);
    });

    it('loads many runs in the given order', async () => {
      const first = await newRun('0', 'one');
      const second = await newRun('0', 'two');
      const runs = await store.runs.loadMany([second, 'missing', first]);
      expect(runs.map((run) => run.info.run_name)).toEqual(['two', 'one']);
    });
  });

  describe('run data', () => {
    it('logs a batch atomically: a changed param writes none of the batch', async () => {
      const runId = await newRun();
      await store.runs.logParam(runId, { key: 'p', value: 'a' });
      await expect(
        store.runData.logBatch(runId, {
          metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
          params: [{ key: 'p', value: 'b' }],
          tags: [{ key: 't', value: 'v' }],
        }),
      ).rejects.toMatchObject({
        message: `Changing param values is not allowed. Params were already logged='[{'key': 'p', 'old_value': 'a', 'new_value': 'b'}]' for run ID='${runId}'.`,
      });
      const run = await store.runs.get(runId);
      expect(run.data).toEqual({ params: [{ key: 'p', value: 'a' }] });
    });

    it('keeps the latest metric by (step, timestamp, value) and dedupes identical points', async () => {
      const runId = await newRun();
      const point = (value: number, timestamp: number, step: number) => ({
        key: 'm',
        value,
        timestamp,
        step,
      });
      await store.runData.logBatch(runId, {
        metrics: [point(1, 10, 2), point(5, 99, 1), point(1, 10, 2), point(0.5, 11, 2)],
        params: [],
        tags: [{ key: 'mlflow.runName', value: 'renamed' }],
      });
      await store.runData.logBatch(runId, {
        metrics: [point(9, 5, 0), point(1, 10, 2)],
        params: [],
        tags: [],
      });
      const run = await store.runs.get(runId);
      expect(run.data.metrics).toEqual([{ key: 'm', value: 0.5, timestamp: 11, step: 2 }]);
      expect(run.info.run_name).toBe('renamed');
      const history = await store.metrics.history(runId, 'm');
      expect(history.metrics.map((metric) => [metric.step, metric.timestamp])).toEqual([
        [0, 5],
        [1, 99],
        [2, 10],
        [2, 11],
      ]);
    });

    it('round-trips NaN and the infinities', async () => {
      const runId = await newRun();
      await store.runData.logBatch(runId, {
        metrics: [
          { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
          { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
          { key: 'ninf', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
        ],
        params: [],
        tags: [],
      });
      expect((await store.runs.get(runId)).data.metrics).toEqual([
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
      ]);
      expect((await store.metrics.history(runId, 'ninf')).metrics[0]?.value).toBe('-Infinity');
    });

    it('stores metric keys with array-literal syntax characters verbatim', async () => {
      const runId = await newRun();
      const keys = ['a"b', 'c\\d', '{e,f}', 'NULL', ' g '];
      await store.runData.logBatch(runId, {
        metrics: keys.map((key) => ({ key, value: 1, timestamp: 1, step: 0 })),
        params: [],
        tags: [],
      });
      const stored = (await store.runs.get(runId)).data.metrics?.map((metric) => metric.key);
      expect(stored?.sort()).toEqual([...keys].sort());
    });

    it('pages a metric history with offset tokens', async () => {
      const runId = await newRun();
      await store.runData.logBatch(runId, {
        metrics: Array.from({ length: 5 }, (_, step) => ({
          key: 'm',
          value: step,
          timestamp: 1,
          step,
        })),
        params: [],
        tags: [],
      });
      const first = await store.metrics.history(runId, 'm', { maxResults: 2 });
      expect(first.metrics.map((metric) => metric.step)).toEqual([0, 1]);
      const second = await store.metrics.history(runId, 'm', {
        maxResults: 2,
        pageToken: first.nextPageToken,
      });
      expect(second.metrics.map((metric) => metric.step)).toEqual([2, 3]);
      const last = await store.metrics.history(runId, 'm', {
        maxResults: 2,
        pageToken: second.nextPageToken,
      });
      expect(last.metrics.map((metric) => metric.step)).toEqual([4]);
      expect(last.nextPageToken).toBeUndefined();
      await expect(store.metrics.history(runId, 'm', { pageToken: '!!' })).rejects.toMatchObject({
        errorCode: 'INVALID_PARAMETER_VALUE',
      });
    });

    it('samples bulk-interval steps evenly, keeping each run first and last step', async () => {
      const a = await newRun();
      const b = await newRun();
      await store.runData.logBatch(a, {
        metrics: Array.from({ length: 100 }, (_, step) => ({
          key: 'm',
          value: step,
          timestamp: 1,
          step,
        })),
        params: [],
        tags: [],
      });
      await store.runData.logBatch(b, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 37 }],
        params: [],
        tags: [],
      });
      const points = await store.metrics.bulkInterval([a, b], 'm', 10);
      const stepsOf = (runId: string) =>
        points.filter((point) => point.run_id === runId).map((point) => point.step);
      expect(stepsOf(a)).toEqual([0, 10, 20, 30, 37, 40, 50, 60, 70, 80, 90, 99]);
      expect(stepsOf(b)).toEqual([37]);
      const ranged = await store.metrics.bulkInterval([a], 'm', 2500, { start: 5, end: 7 });
      expect(ranged.map((point) => point.step)).toEqual([5, 6, 7]);
    });

    it('returns bulk histories sorted by run id', async () => {
      const a = await newRun();
      const b = await newRun();
      for (const runId of [a, b]) {
        await store.runData.logBatch(runId, {
          metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
          params: [],
          tags: [],
        });
      }
      const points = await store.metrics.bulk([b, a], 'm', 25000);
      expect(points.map((point) => point.run_id)).toEqual([a, b].sort());
      expect(await store.metrics.bulk([a, b], 'm', 1)).toHaveLength(1);
    });

    it('links dataset inputs once, sharing datasets within an experiment', async () => {
      const runId = await newRun();
      const other = await newRun();
      const input = {
        tags: [{ key: 'mlflow.data.context', value: 'train' }],
        dataset: { name: 'd', digest: 'abc', source_type: 'local', source: '{}', schema: 's' },
      };
      await store.runData.logInputs(runId, [input]);
      await store.runData.logInputs(runId, [input]);
      await store.runData.logInputs(other, [input]);
      expect((await store.runs.get(runId)).inputs).toEqual({ dataset_inputs: [input] });
      expect((await store.runs.get(other)).inputs).toEqual({ dataset_inputs: [input] });
      expect(await storage.db.selectFrom('datasets').selectAll().execute()).toHaveLength(1);
      expect(await storage.db.selectFrom('inputs').selectAll().execute()).toHaveLength(2);
    });
  });
});
