// The examples/ scripts, run as users run them (`node examples/<step>.mjs`, importing the built
// packages) against a live in-process server, in story order; after each step the REST API is
// asked whether the story's promises hold.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApp, loadServerConfig } from '@cairn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: REST answers are read as plain JSON
type Json = Record<string, any>;

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
let baseUrl = '';
let close = async () => {};

beforeAll(async () => {
  // The examples import dist/: build it (a no-op when fresh, as after `npm ci`).
  await run('npx', ['tsc', '-b', 'packages/cli'], { cwd: root });
  const dir = mkdtempSync(join(tmpdir(), 'cairn-examples-'));
  const app = await createApp(
    loadServerConfig(
      {
        port: 0,
        backendStoreUri: `sqlite:///${join(dir, 'c.db')}`,
        artifactsDestination: join(dir, 'a'),
      },
      { CAIRN_WEBHOOKS_ALLOW_PRIVATE: 'true', CAIRN_LOG_LEVEL: 'error' },
      dir,
    ),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  close = async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  };
}, 120_000);
afterAll(() => close());

/** Runs `node examples/<script>` against the server, with no real provider configured. */
async function example(script: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, CAIRN_TRACKING_URI: baseUrl };
  delete env.OPENAI_API_KEY;
  delete env.OPENAI_BASE_URL;
  try {
    const { stdout } = await run(process.execPath, [join(root, 'examples', script)], {
      cwd: root,
      env,
    });
    return stdout;
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    throw new Error(`${script} exited ${failed.code}:\n${failed.stdout}\n${failed.stderr}`);
  }
}

async function api(path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text) as Json;
}

const experimentId = async (name: string) =>
  (await api(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`)).experiment
    .experiment_id as string;
const tagsOf = (entity: { data?: { tags?: Json[] }; tags?: Json[] }) =>
  Object.fromEntries((entity.data?.tags ?? entity.tags ?? []).map((tag) => [tag.key, tag.value]));

describe('examples/: the loan-chatbot story end to end', () => {
  it('step 2: log-llm-call.mjs logs a costed run tagged for the team', async () => {
    const output = await example('log-llm-call.mjs');
    expect(output).toMatch(/retail-lending: \$0\.\d+ over 1 runs/);
    const { runs } = await api('/api/2.0/mlflow/runs/search', {
      experiment_ids: [await experimentId('loan-chatbot-v1')],
      filter: "tags.cost_center = 'retail-lending' and metrics.cost_usd > 0",
    });
    expect(runs).toHaveLength(1);
    expect(tagsOf(runs[0])).toMatchObject({ project: 'loan-chatbot', user: 'u-1042' });
  });

  it('step 3: trace-rag-chain.mjs sends nested traces with sessions, failures and an OTLP trace', async () => {
    const output = await example('trace-rag-chain.mjs');
    expect(output).toContain('failed: no policy document matches the question');
    const experiment = await experimentId('loan-chatbot-v1');
    const { traces } = await api('/api/2.0/cairn/traces/search', {
      experiment_ids: [experiment],
      filter: "trace.name = 'loan-chatbot'",
    });
    expect(traces).toHaveLength(7);
    expect(traces.filter((trace: Json) => trace.state === 'ERROR')).toHaveLength(1);
    const answered = traces.filter((trace: Json) => trace.state === 'OK');
    for (const trace of answered) expect(trace.cost).toBeGreaterThan(0);

    const { spans } = await api(`/api/2.0/cairn/traces/${answered[0].trace_id}/spans`);
    const byName = Object.fromEntries(spans.map((span: Json) => [span.name, span]));
    const chain = byName['loan-chatbot'];
    expect(chain.parent_span_id).toBeNull();
    for (const [name, type] of [
      ['retrieve', 'RETRIEVER'],
      ['rerank', 'RERANKER'],
      ['build-prompt', 'CHAIN'],
      ['openai.chat.completions', 'CHAT_MODEL'],
    ] as const) {
      expect(byName[name], name).toMatchObject({ parent_span_id: chain.span_id, span_type: type });
    }
    expect(byName['openai.chat.completions'].usage.total_tokens).toBeGreaterThan(0);

    const failedReranks = await api('/api/2.0/cairn/traces/search', {
      experiment_ids: [experiment],
      filter: "span.name = 'rerank' AND span.status = 'ERROR'",
    });
    expect(failedReranks.traces).toHaveLength(2);
    const { sessions } = await api(`/api/2.0/cairn/traces/sessions?experiment_ids=${experiment}`);
    expect(sessions.find((session: Json) => session.session_id === 'sess-77')?.trace_count).toBe(3);
    const otel = await api('/api/2.0/cairn/traces/search', {
      experiment_ids: [experiment],
      filter: "trace.name = 'loan-chatbot (otel)'",
    });
    expect(otel.traces).toHaveLength(1);
    expect(otel.traces[0].span_count).toBe(3);
  });

  it('step 4: gateway.mjs falls back, splits to Claude, caches, routes by cost and enforces limits', async () => {
    const output = await example('gateway.mjs');
    expect(output).toMatch(/\d+ calls answered by gpt-4 at the primary provider/);
    expect(output).toMatch(/\d+ calls answered by gpt-4 at the secondary provider/);
    expect(output).toMatch(/\d+ calls answered by claude-sonnet-4 at the anthropic provider/);
    expect(output).toContain('first: x-cairn-cache=miss; second: x-cairn-cache=hit');
    expect(output).toMatch(/max_tokens 60 {2}→ gpt-4o-mini\nmax_tokens 600 → gpt-4/);
    expect(output).toContain('ok ok ok ok ok ok ok ok 429 429');
    expect(output).toMatch(/refused with 429: Budget exceeded for tag 'cost_center=growth-lab'/);
  });
  it("step 4: the gateway's call records arrive as traces", async () => {
    const { traces } = await api('/api/2.0/cairn/traces/search', {
      experiment_ids: [await experimentId('gateway')],
      filter: "metadata.`cairn.gateway.route` LIKE 'loan-%'",
      max_results: 1000,
    });
    expect(traces.length).toBeGreaterThan(10);
    const names = new Set(traces.map((trace: Json) => trace.name));
    expect([...names].sort()).toEqual(['loan-assistant', 'loan-faq']);
    const answered = traces.filter((trace: Json) => trace.state === 'OK');
    expect(answered.some((trace: Json) => trace.usage.total_tokens > 0 && trace.cost > 0)).toBe(
      true,
    );
    // Who asked and for which team, from the x-cairn-* headers; the budget refusal is an error.
    const growth = traces.filter(
      (trace: Json) => trace.trace_metadata['mlflow.trace.user'] === 'growth-bot',
    );
    expect(growth.length).toBeGreaterThan(0);
    expect(growth.every((trace: Json) => trace.tags.cost_center === 'growth-lab')).toBe(true);
    expect(growth.some((trace: Json) => trace.state === 'ERROR')).toBe(true);
  });

  it('step 5: evaluate-prompts.mjs evaluates three prompts; the gate fails the regressing one', async () => {
    const output = await example('evaluate-prompts.mjs');
    expect(output).toContain('winner: complete');
    expect(output).toMatch(/--candidate terse …\s+→ exit 1/);
    const { runs } = await api('/api/2.0/mlflow/runs/search', {
      experiment_ids: [await experimentId('loan-chatbot-eval')],
    });
    const byVariant = Object.fromEntries(
      runs.map((run: Json) => [tagsOf(run)['loan.prompt_variant'], run.info.run_id]),
    );
    expect(Object.keys(byVariant).sort()).toEqual(['baseline', 'complete', 'terse']);
    const gate = (candidate: string) =>
      api('/api/2.0/cairn/evaluations/gate', {
        baseline_run_id: byVariant.baseline,
        candidate_run_id: byVariant[candidate],
        rules: ['answer_correctness/mean >= baseline - 0.1', 'states_amount_rate_term/mean >= 1'],
      });
    expect((await gate('complete')).passed).toBe(true);
    expect((await gate('terse')).passed).toBe(false);
  });

  it('step 6: promote.mjs versions the prompt, promotes the chain, aliases champion, sends signed webhooks', async () => {
    const output = await example('promote.mjs');
    expect(output).toContain('signed ✓');
    expect(output).not.toContain('UNSIGNED');
    const prompt = await api(
      '/api/2.0/cairn/prompts/get?name=loan-chatbot-system&alias=production',
    );
    expect(prompt.prompt_version).toMatchObject({ version: '2' });
    expect(prompt.prompt_version.commit_message).toMatch(/^State amount, interest rate and term/);

    const champion = await api(
      '/api/2.0/mlflow/registered-models/alias?name=loan-chatbot&alias=champion',
    );
    expect(champion.model_version).toMatchObject({ version: '2', current_stage: 'Production' });
    const first = await api('/api/2.0/mlflow/model-versions/get?name=loan-chatbot&version=1');
    expect(first.model_version.current_stage).toBe('Archived');

    const { webhooks } = await api('/api/2.0/mlflow/webhooks');
    const { deliveries } = await api(
      `/api/2.0/cairn/webhooks/${webhooks[0].webhook_id}/deliveries`,
    );
    expect(deliveries.filter((delivery: Json) => delivery.status === 'DELIVERED').length).toBe(
      deliveries.length,
    );
    expect(deliveries.length).toBeGreaterThanOrEqual(10);
  });

  it('step 7: watch.mjs reads non-empty dashboards and the Prometheus scrape', async () => {
    const output = await example('watch.mjs');
    expect(output).toMatch(/latency {2}p50 \d+ ms {2}p95 \d+ ms {2}p99 \d+ ms/);
    expect(output).toContain('cairn_trace_cost_usd{');
    const experiment = await experimentId('loan-chatbot-v1');
    const cost = await api(`/api/2.0/cairn/dashboards/cost?experiment_id=${experiment}`);
    expect(cost.totals.cost).toBeGreaterThan(0);
    expect(cost.forecast.projected_month_total).toBeGreaterThan(0);
    const usage = await api(`/api/2.0/cairn/dashboards/usage?experiment_id=${experiment}`);
    expect(usage.totals).toMatchObject({ users: 4, sessions: 4 });
    const performance = await api(
      `/api/2.0/cairn/dashboards/performance?experiment_id=${experiment}`,
    );
    expect(performance.latency.overall.count).toBeGreaterThan(0);
    expect(performance.errors.errors).toBe(1);
  });
});
