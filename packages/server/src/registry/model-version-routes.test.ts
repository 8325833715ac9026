import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../test-kit/test-backends.js';
import { modelCardRefresherOf } from './index.js';
import { openRegistryTestApp, type RegistryTestApp } from './test-kit/registry-test-app.js';

describe.each(testBackends())('model-versions REST on $name', (backend) => {
  let t: RegistryTestApp;
  let runId: string;
  let now = 1_000;
  beforeEach(async () => {
    now = 1_000;
    // Cards render only when a test awaits the loop, so what is queued can be asserted.
    t = await openRegistryTestApp(backend, {
      clock: () => now++,
      registry: { modelCardDelayMs: 60_000 },
    });
    await t.call('POST', 'registered-models/create', { name: 'm' });
    runId = await t.createRun();
  });
  afterEach(async () => t.close());

  const create = (fields: object) =>
    t.call('POST', 'model-versions/create', { name: 'm', ...fields });

  it('creates numbered versions with MLflow shapes and gets, updates and deletes them', async () => {
    const first = await create({
      source: `runs:/${runId}/model`,
      run_id: runId,
      description: 'first',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(first.status).toBe(200);
    expect(first.body.model_version).toMatchObject({
      name: 'm',
      version: '1',
      current_stage: 'None',
      status: 'READY',
      source: `runs:/${runId}/model`,
      run_id: runId,
      description: 'first',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(
      (await create({ source: 'mlflow-artifacts:/models/m2' })).body.model_version.version,
    ).toBe('2');
    const updated = await t.call('PATCH', 'model-versions/update', {
      name: 'm',
      version: '2',
      description: 'second',
    });
    expect(updated.body.model_version.description).toBe('second');
    expect(
      (await t.call('DELETE', 'model-versions/delete', { name: 'm', version: '2' })).status,
    ).toBe(200);
    const deleted = await t.call('GET', 'model-versions/get', { name: 'm', version: 2 });
    expect(deleted.status).toBe(404);
    expect(deleted.body.message).toBe('Model Version (name=m, version=2) not found');
    // Deleted numbers are never reused.
    expect(
      (await create({ source: 'mlflow-artifacts:/models/m3' })).body.model_version.version,
    ).toBe('3');
    expect((await create({ name: 'unknown', source: 'mlflow-artifacts:/x' })).status).toBe(404);
    expect((await t.call('GET', 'model-versions/get', { name: 'm', version: 'x' })).status).toBe(
      400,
    );
  });

  it('refuses sources outside the artifact root (CVE-2023-1177 and its bypasses)', async () => {
    const hostile = [
      '/etc/passwd',
      'file:///etc/passwd',
      'file:/etc',
      '../../etc/passwd',
      's3://bucket/model',
      'http://evil/model',
      `runs:/${runId}/../../../etc`,
      `runs:/${runId}/%2e%2e/%2e%2e/etc`,
      `runs:/${runId}/%252e%252e/x`,
      `runs:/${runId}/model#/../../etc`,
      `runs:/${runId}/model?x=/../../etc`,
      `runs:/${runId}/a\\..\\b`,
      `runs:/${runId}/a\u0000b`,
      'mlflow-artifacts:/../etc',
      'mlflow-artifacts:/a/%2e%2e/%2e%2e/etc',
      'mlflow-artifacts://host#/../../etc',
      'mlflow-artifacts:/',
      'runs:/not a run/x',
      'dummy-source',
    ];
    for (const source of hostile) {
      const reply = await create({ source });
      expect(reply.status, source).toBe(400);
      expect(reply.body.error_code, source).toBe('INVALID_PARAMETER_VALUE');
    }
    const unknownRun = await create({ source: 'runs:/0123456789abcdef/model' });
    expect(unknownRun.status).toBe(400);
    expect((await t.call('GET', 'model-versions/search', {})).body.model_versions).toBeUndefined();
  });

  it('transitions stages, archiving the others, and records the history', async () => {
    for (let i = 0; i < 3; i++) await create({ source: `runs:/${runId}/model` });
    await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '1',
      stage: 'Production',
    });
    await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '2',
      stage: 'Production',
    });
    const moved = await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '3',
      stage: 'production',
      archive_existing_versions: true,
    });
    expect(moved.body.model_version.current_stage).toBe('Production');
    const stages = await Promise.all(
      ['1', '2'].map(
        async (version) =>
          (await t.call('GET', 'model-versions/get', { name: 'm', version })).body.model_version
            .current_stage,
      ),
    );
    expect(stages).toEqual(['Archived', 'Archived']);
    const refused = await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '1',
      stage: 'Archived',
      archive_existing_versions: 'true',
    });
    expect(refused.status).toBe(400);
    const badStage = await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '1',
      stage: 'Prod',
    });
    expect(badStage.body.message).toMatch(/Invalid Model Version stage: Prod/);
    const badBool = await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '1',
      stage: 'Staging',
      archive_existing_versions: 'maybe',
    });
    expect(badBool.status).toBe(400);
    const lineage = await t.call('GET', '/api/2.0/cairn/registered-models/lineage', {
      name: 'm',
      version: '1',
    });
    expect(
      lineage.body.history.map((h: { kind: string; to?: string }) => `${h.kind}:${h.to}`),
    ).toEqual(['created:None', 'stage:Production', 'stage:Archived']);
  });

  it('sets and deletes version tags, and searches versions', async () => {
    const otherRun = await t.createRun();
    await create({ source: `runs:/${runId}/model`, run_id: runId });
    await create({ source: `runs:/${otherRun}/model`, run_id: otherRun });
    await create({ source: 'mlflow-artifacts:/exported/model' });
    await t.call('POST', 'model-versions/set-tag', {
      name: 'm',
      version: '2',
      key: 'k',
      value: 'v',
    });
    const noValue = await t.call('POST', 'model-versions/set-tag', {
      name: 'm',
      version: '2',
      key: 'k',
    });
    expect(noValue.status).toBe(400);
    const versions = async (fields: object) =>
      ((await t.call('GET', 'model-versions/search', fields)).body.model_versions ?? []).map(
        (version: { version: string }) => version.version,
      );
    expect(await versions({ filter: "name = 'm'" })).toEqual(['3', '2', '1']);
    expect(await versions({ filter: 'version_number > 1' })).toEqual(['3', '2']);
    expect(await versions({ filter: `run_id IN ('${runId}', '${otherRun}')` })).toEqual(['2', '1']);
    expect(await versions({ filter: "source_path LIKE 'mlflow-artifacts:%'" })).toEqual(['3']);
    expect(await versions({ filter: "tags.k = 'v'" })).toEqual(['2']);
    expect(await versions({ order_by: ['version_number ASC'] })).toEqual(['1', '2', '3']);
    const page = await t.call('GET', 'model-versions/search', { max_results: 2 });
    expect(page.body.next_page_token).toBeDefined();
    expect(await versions({ max_results: 2, page_token: page.body.next_page_token })).toEqual([
      '1',
    ]);
    expect((await t.call('GET', 'model-versions/search', { filter: 'stage = 1' })).status).toBe(
      400,
    );
    expect((await t.call('GET', 'model-versions/search', { max_results: 200001 })).status).toBe(
      400,
    );
    await t.call('DELETE', 'model-versions/delete-tag', { name: 'm', version: '2', key: 'k' });
    expect(await versions({ filter: "tags.k = 'v'" })).toEqual([]);
  });

  it('answers download URIs and serves files through get-artifact, confined', async () => {
    await create({ source: `runs:/${runId}/model` });
    await create({ source: 'mlflow-artifacts:/exported/model' });
    const run = (await t.call('GET', 'runs/get', { run_id: runId })).body.run;
    const uri = await t.call('GET', 'model-versions/get-download-uri', { name: 'm', version: '1' });
    expect(uri.body.artifact_uri).toBe(`${run.info.artifact_uri}/model`);
    const proxied = await t.call('GET', 'model-versions/get-download-uri', {
      name: 'm',
      version: 2,
    });
    expect(proxied.body.artifact_uri).toBe('mlflow-artifacts:/exported/model');

    const runDir = join(
      t.artifactsDir,
      run.info.artifact_uri.replace('mlflow-artifacts:/', ''),
      'model',
    );
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'MLmodel'), 'flavors: {}\n');
    mkdirSync(join(t.artifactsDir, 'exported/model'), { recursive: true });
    writeFileSync(join(t.artifactsDir, 'exported/model/weights.bin'), 'w');
    const file = await t.call('GET', '/model-versions/get-artifact', {
      name: 'm',
      version: '1',
      path: 'MLmodel',
    });
    expect(file.status).toBe(200);
    expect(file.text).toBe('flavors: {}\n');
    expect(file.headers['content-disposition']).toBe('attachment; filename=MLmodel');
    const ajax = await t.call('GET', '/ajax-api/2.0/mlflow/model-versions/get-artifact', {
      name: 'm',
      version: '2',
      path: 'weights.bin',
    });
    expect(ajax.text).toBe('w');
    for (const path of ['../../../etc/passwd', '%2e%2e/x', '/etc/passwd', 'a#/../../b', '']) {
      const reply = await t.call('GET', '/model-versions/get-artifact', {
        name: 'm',
        version: '1',
        path,
      });
      expect(reply.status, path).toBe(400);
    }
  });

  it('builds the lineage and the model card, and stores the card as an artifact', async () => {
    const source = await t.createRun();
    await t.call('POST', 'runs/log-batch', {
      run_id: source,
      params: [{ key: 'lr', value: '0.01' }],
      metrics: [{ key: 'accuracy', value: 0.91, timestamp: 1, step: 0 }],
    });
    await t.call('POST', 'runs/log-inputs', {
      run_id: source,
      datasets: [
        {
          dataset: { name: 'loans', digest: 'abc123', source_type: 'local', source: '{}' },
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
        },
      ],
    });
    await t.call('POST', 'registered-models/set-tag', {
      name: 'm',
      key: 'limitations',
      value: 'English only',
    });
    await create({
      source: `runs:/${source}/model`,
      run_id: source,
      description: 'Scores loan applications.',
    });
    const evaluation = await t.createRun({ 'cairn.evaluation.model_uri': 'models:/m/1' });
    await t.call('POST', 'runs/log-metric', {
      run_id: evaluation,
      key: 'f1',
      value: 0.8,
      timestamp: 1,
    });
    // An MLflow-style evaluation logs many aggregates per metric; the card shows the headline ones.
    const aggregated = await t.createRun({
      'cairn.evaluation.source_run': source,
      'mlflow.runName': 'eval-aggregates',
    });
    await t.call('POST', 'runs/log-batch', {
      run_id: aggregated,
      metrics: [
        ['toxicity/v1/mean', 0.123456],
        ['toxicity/v1/p90', 0.5],
        ['toxicity/v1/variance', 0.01],
        ['exact_match/v1/mean', 1],
        ['answer_correctness/v1/pass_rate', 0.75],
      ].map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
    });
    const bySourceRun = await t.createRun({ 'cairn.evaluation.source_run': source });
    await t.call('POST', 'registered-models/alias', { name: 'm', alias: 'champion', version: '1' });

    const lineage = (
      await t.call('GET', '/api/2.0/cairn/registered-models/lineage', { name: 'm', version: 1 })
    ).body;
    expect(lineage.model_version.version).toBe('1');
    expect(lineage.run.info.run_id).toBe(source);
    expect(lineage.run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(lineage.datasets[0].dataset).toMatchObject({ name: 'loans', digest: 'abc123' });
    expect(
      lineage.evaluations.map((run: { info: { run_id: string } }) => run.info.run_id).sort(),
    ).toEqual([evaluation, aggregated, bySourceRun].sort());

    const json = (
      await t.call('GET', '/api/2.0/cairn/model-versions/card', {
        name: 'm',
        version: 1,
        format: 'json',
      })
    ).body.model_card;
    expect(json).toMatchObject({
      name: 'm',
      version: '1',
      aliases: ['champion'],
      intended_use: 'Scores loan applications.',
      limitations: 'English only',
      parameters: { lr: '0.01' },
      metrics: { accuracy: 0.91 },
      datasets: [{ name: 'loans', digest: 'abc123', context: 'training' }],
    });
    expect(
      json.evaluations.find((e: { run_id: string }) => e.run_id === evaluation).metrics,
    ).toEqual({ f1: 0.8 });
    const markdown = await t.call('GET', '/api/2.0/cairn/model-versions/card', {
      name: 'm',
      version: 1,
    });
    expect(markdown.headers['content-type']).toMatch(/text\/markdown/);
    expect(markdown.text).toContain('# Model card: m v1');
    expect(markdown.text).toContain('| lr | 0.01 |');
    expect(markdown.text).toContain('alias @champion set');
    const row = markdown.text.split('\n').find((line: string) => line.includes(aggregated));
    expect(row).toContain(
      '| answer_correctness/v1/pass_rate=0.75, exact_match/v1/mean=1, toxicity/v1/mean=0.1235 |',
    );
    expect(markdown.text).not.toContain('p90');
    expect(markdown.text.split('\n').find((line: string) => line.includes(evaluation))).toContain(
      '| f1=0.8 |',
    );

    // The stored card follows changes to the version without anyone asking for it.
    await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '1',
      stage: 'Staging',
    });
    // Refreshed in the background: changes mark the card stale and a loop renders it once.
    for (const value of ['a', 'b', 'c'])
      await t.call('POST', 'model-versions/set-tag', { name: 'm', version: '1', key: 'k', value });
    const queued = await t.storage.db.selectFrom('model_card_queue').selectAll().execute();
    expect(queued.filter((row) => row.name === 'm' && Number(row.version) === 1)).toHaveLength(1);
    await modelCardRefresherOf(t.app)!.settled();
    expect(await t.storage.db.selectFrom('model_card_queue').selectAll().execute()).toEqual([]);
    const stored = readFileSync(join(t.artifactsDir, 'registry/m/1/model_card.md'), 'utf8');
    expect(stored).toContain('| k | c |');
    expect(stored).toContain('**Stage:** Staging');
    expect(stored).toContain('stage None → Staging');
    expect(
      (
        await t.call('GET', '/api/2.0/cairn/model-versions/card', {
          name: 'm',
          version: 1,
          format: 'html',
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.call('GET', '/api/2.0/cairn/model-versions/card', { name: 'm', version: 9 })).status,
    ).toBe(404);
  });
});
