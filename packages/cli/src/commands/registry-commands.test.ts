import { CairnClient } from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestServer } from '../test-kit/run-cli.js';

describe('cairn models / prompts against a live server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let uri: string[];
  beforeAll(async () => {
    server = await startTestServer();
    uri = ['--tracking-uri', server.trackingUri];
  });
  afterAll(async () => server?.close());

  it('registers a model, stages and aliases it, and renders its card', async () => {
    const client = new CairnClient(server.trackingUri);
    const experimentId = await client.createExperiment('cli-registry');
    const run = await client.createRun(experimentId);
    await client.logParam(run.info.run_id, 'lr', 0.1);
    const registered = await runCli([
      'models',
      'register',
      `runs:/${run.info.run_id}/model`,
      'churn',
      ...uri,
    ]);
    expect(registered).toMatchObject({ exitCode: 0, stdout: "Registered 'churn' version 1.\n" });
    expect(
      (await runCli(['models', 'stage', 'churn', '1', 'Production', '--archive-existing', ...uri]))
        .stdout,
    ).toBe("'churn' version 1 is now in Production.\n");
    expect(
      (await runCli(['models', 'alias', 'set', 'churn', 'champion', '1', ...uri])).exitCode,
    ).toBe(0);
    const resolved = await runCli(['models', 'get', 'models:/churn@champion', ...uri]);
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      name: 'churn',
      version: '1',
      aliases: ['champion'],
    });
    const card = await runCli(['models', 'card', 'churn', '1', ...uri]);
    expect(card.stdout).toContain('# Model card: churn v1');
    expect(card.stdout).toContain('| lr | 0.1 |');
    const list = await runCli(['models', 'list', ...uri]);
    expect(list.stdout).toContain('@champion→v1');
    const bad = await runCli(['models', 'alias', 'set', 'churn', 'latest', '1', ...uri]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/'latest' alias name \(case insensitive\) is reserved/);
  });

  it('creates prompt versions, diffs them and runs an A/B test report', async () => {
    await runCli([
      'prompts',
      'create',
      'greet',
      '--template',
      'Hello {{name}}.\nBye.',
      '-m',
      'v1',
      ...uri,
    ]);
    const second = await runCli([
      'prompts',
      'create',
      'greet',
      '--template',
      'Hi {{name}}!\nBye.',
      ...uri,
    ]);
    expect(second.stdout).toBe("Registered prompt 'greet' version 2 (variables: name).\n");
    const diff = await runCli(['prompts', 'diff', 'greet', '1', '2', ...uri]);
    expect(diff.stdout).toContain('--- greet/1');
    expect(diff.stdout).toContain('-Hello {{name}}.');
    expect(diff.stdout).toContain('+Hi {{name}}!');
    expect(diff.stdout).toContain(' Bye.');
    await runCli(['prompts', 'alias', 'greet', 'production', '1', ...uri]);
    const created = await runCli([
      'prompts',
      'ab',
      'create',
      'greet-test',
      '--prompt',
      'greet',
      '--variant',
      'control=@production',
      '--variant',
      'friendly=2:1',
      ...uri,
    ]);
    expect(created.exitCode).toBe(0);
    const report = await runCli(['prompts', 'ab', 'report', 'greet-test', ...uri]);
    expect(report.stdout).toContain('Recommended winner: none yet.');
    const unclosed = await runCli([
      'prompts',
      'create',
      'greet',
      '--template',
      'Hello {{name',
      ...uri,
    ]);
    expect(unclosed.stderr).toMatch(/unbalanced braces/);
  });
});
