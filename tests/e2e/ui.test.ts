import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/browser.js';
import { ensureUiBuilt, type LiveUiServer, startLiveUiServer } from './support/live-ui-server.js';
import { type Scenario, seedScenario } from './support/scenario.js';
import { hexId, Seeder } from './support/seed.js';

if (!hasChromium) {
  console.warn(
    'tests/e2e skipped: /usr/bin/chromium is not installed (apt-get install -y chromium).',
  );
}

describe.skipIf(!hasChromium)('web UI in Chromium', () => {
  let server: LiveUiServer;
  let browser: BrowserContext;
  let page: Page;
  let scenario: Scenario;
  const shots = mkdtempSync(join(tmpdir(), 'cairn-e2e-screenshots-'));
  const errors: string[] = [];

  const open = async (path: string) => {
    await page.goto(`${server.url}${path}`);
  };
  /** Waits until exactly `count` elements carry the test id (pages update after fetches). */
  const waitForCount = (testId: string, count: number) =>
    page.waitForFunction(
      ([id, expected]) =>
        // biome-ignore lint/suspicious/noExplicitAny: runs in the page, where the DOM exists.
        (globalThis as any).document.querySelectorAll(`[data-testid=${id}]`).length === expected,
      [testId, count] as const,
    );
  const shoot = async (name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
  };

  beforeAll(async () => {
    console.log(`e2e screenshots: ${shots}`);
    ensureUiBuilt();
    server = await startLiveUiServer();
    scenario = await seedScenario(server.url);
    browser = await launchChromium();
    page = await browser.newPage();
    // Fail fast with Playwright's message rather than vitest's generic timeout.
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (error) => errors.push(error.message));
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await shoot(`failed-${context.task.name.slice(0, 40)}`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists, searches and creates experiments', async () => {
    await open('/');
    await page.getByRole('link', { name: 'support-bot' }).waitFor();
    expect(await page.getByTestId('experiment-row').count()).toBe(3);
    await shoot('01-experiments');
    await page.getByLabel('Search experiments').fill('retrieval');
    await waitForCount('experiment-row', 1);
    await page.getByRole('button', { name: 'New experiment' }).click();
    await page.getByLabel('Name').fill('created-in-ui');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByLabel('Search experiments').fill('created');
    await page.getByRole('link', { name: 'created-in-ui' }).waitFor();
  });

  it('shows the runs table and filters it with a DSL expression', async () => {
    await open(`/experiments/${scenario.experimentId}/runs`);
    await page.getByText('run-00', { exact: true }).waitFor();
    expect(await page.getByTestId('run-count').textContent()).toContain('15 runs');
    await shoot('02-runs');
    const filter = page.getByLabel('Filter');
    await filter.fill('params.mod');
    await page.getByRole('option', { name: 'params.model' }).waitFor();
    await filter.fill("params.model = 'gpt-4o' and metrics.accuracy > 0.6");
    await filter.press('Enter');
    await page
      .getByTestId('run-count')
      .getByText(/^6 runs/)
      .waitFor();
    expect(new URL(page.url()).searchParams.get('filter')).toContain("params.model = 'gpt-4o'");
    const names = await page.getByTestId('grid-row').locator('a').allTextContents();
    expect(names.sort()).toEqual(['run-00', 'run-02', 'run-04', 'run-06', 'run-08', 'run-10']);
    await shoot('02-runs-filtered');
  });

  it('selects runs with the keyboard, tags, deletes and restores them in bulk', async () => {
    await open(`/experiments/${scenario.experimentId}/runs`);
    await page.getByText('eval-candidate', { exact: true }).waitFor();
    await page.getByRole('grid').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag as key=value').fill('reviewed=yes');
    await page.getByRole('dialog').getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const [candidate] = scenario.evalRunIds.slice(1);
    const run = (await fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${candidate}`).then(
      (response) => response.json(),
    )) as { run: { data: { tags: { key: string; value: string }[] } } };
    expect(run.run.data.tags).toContainEqual({ key: 'reviewed', value: 'yes' });
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByTestId('run-count')
      .filter({ hasText: /^13 runs/ })
      .waitFor();
    await page.getByLabel('Lifecycle').selectOption('DELETED_ONLY');
    await page
      .getByTestId('run-count')
      .filter({ hasText: /^2 runs/ })
      .waitFor();
    await page.getByLabel('Select all runs').click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page
      .getByTestId('run-count')
      .filter({ hasText: /^0 runs|^$/ })
      .or(page.getByText('No runs yet'))
      .first()
      .waitFor();
    await page.getByLabel('Lifecycle').selectOption('ACTIVE_ONLY');
    await page
      .getByTestId('run-count')
      .filter({ hasText: /^15 runs/ })
      .waitFor();
    await page.getByRole('grid').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /eval-baseline/ }).waitFor();
  });

  it("opens a run's metric charts and artifacts", async () => {
    await open(`/runs/${scenario.runIds[3]}?tab=metrics`);
    await page.getByText('accuracy', { exact: true }).waitFor();
    await page.locator('[data-testid=chart] canvas').first().waitFor();
    expect(await page.locator('[data-testid=chart] canvas').count()).toBe(2);
    await page.getByLabel('Log scale').click();
    await page.waitForURL(/log=1/);
    await shoot('03-run-metrics');
    await open(`/runs/${scenario.llmRunId}?tab=artifacts&artifact=notes/table.csv`);
    await page.getByRole('cell', { name: 'capital, France' }).waitFor();
    await shoot('03-run-artifacts-csv');
    await open(`/runs/${scenario.llmRunId}?tab=artifacts&artifact=notes/README.md`);
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    await open(`/runs/${scenario.llmRunId}?tab=artifacts&artifact=interaction_metadata.json`);
    await page.getByText('"gpt-4o-mini"').waitFor();
    await open(`/runs/${scenario.llmRunId}?tab=artifacts&artifact=notes/report.html`);
    const frame = page.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await open(`/runs/${scenario.llmRunId}?tab=llm`);
    await page.getByText('The capital of France is Paris.').waitFor();
    expect(await page.getByTestId('llm-call').textContent()).toContain('59');
    await shoot('03-run-llm-call');
  });

  it('compares two runs', async () => {
    await open(`/compare?runs=${scenario.runIds[0]},${scenario.runIds[1]}`);
    await page.getByTestId('diff-table').waitFor();
    const modelRow = page.locator('[data-testid=diff-table] tr', { hasText: 'model' }).first();
    expect(await modelRow.getAttribute('data-differs')).toBe('true');
    expect(await modelRow.textContent()).toContain('claude-3-5-sonnet');
    await page.getByTestId('parallel-coordinates').waitFor();
    await page.locator('[data-testid=chart] canvas').first().waitFor();
    await shoot('04-compare');
  });

  it('lists traces with filters and opens one, expanding a span', async () => {
    await open(`/experiments/${scenario.experimentId}/traces`);
    await page.getByRole('link', { name: 'support_agent' }).waitFor();
    expect(await page.getByTestId('trace-row').count()).toBe(4);
    const agentRow = page.getByTestId('trace-row').filter({ hasText: 'support_agent' });
    expect(await agentRow.textContent()).toContain('150');
    await shoot('05-traces');
    await page.getByLabel('User').fill('grace');
    await page.getByLabel('User').press('Enter');
    await waitForCount('trace-row', 1);
    expect(await page.getByTestId('trace-row').textContent()).toContain('followup_2');

    await open(`/traces/${scenario.traceId}`);
    await page.getByTestId('span-row').first().waitFor();
    expect(await page.getByTestId('span-row').count()).toBe(4);
    expect(await page.getByTestId('span-count').textContent()).toContain('4 of 4');
    await page.getByRole('button', { name: 'Collapse support_agent' }).click();
    await waitForCount('span-row', 1);
    await page.getByRole('button', { name: 'Expand support_agent' }).click();
    await page.getByTestId('span-row').filter({ hasText: 'ChatOpenAI' }).click();
    const conversation = page.getByTestId('conversation');
    await conversation.getByText('Where is my order #1234?').waitFor();
    await conversation.getByText('Your order ships tomorrow.').waitFor();
    await shoot('05-trace-chat-span');
    await page.getByTestId('span-row').filter({ hasText: 'search_orders' }).click();
    await page.getByText('Order 1234: ships tomorrow').waitFor();
    await page.getByTestId('span-row').filter({ hasText: 'lookup_tracking' }).click();
    await page.getByRole('alert').getByText('tool timed out').waitFor();
    await page.getByLabel('Comment').fill('helpful answer');
    await page.getByRole('button', { name: 'Thumbs up' }).click();
    await page.getByTestId('assessment').filter({ hasText: 'helpful answer' }).waitFor();
    await shoot('05-trace-error-span-feedback');
  });

  it('shows a session as a conversation', async () => {
    await open(`/experiments/${scenario.experimentId}/sessions`);
    await page.getByRole('button', { name: 'session-1' }).click();
    await page.getByTestId('conversation').getByText('followup_1').waitFor();
    expect(await page.getByTestId('conversation').locator('.bubble.user').count()).toBe(3);
    await shoot('05-sessions');
  });

  it('shows models with versions, lineage, card and a confirmed stage change', async () => {
    await open('/models');
    await page.getByRole('link', { name: 'support-classifier' }).click();
    await page.getByTestId('versions-table').waitFor();
    expect(await page.getByTestId('versions-table').locator('tbody tr').count()).toBe(2);
    await page.getByText('@champion → v2').waitFor();
    await page.getByTestId('lineage').getByRole('link', { name: 'run-01' }).waitFor();
    await page.getByLabel('Stage of version 1').selectOption('Staging');
    await page.getByRole('dialog').getByText('from None to Staging').waitFor();
    await page.getByRole('button', { name: 'Move to Staging' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page
      .locator('select[aria-label="Stage of version 1"] option:checked', { hasText: 'Staging' })
      .waitFor({ state: 'attached' });
    await shoot('06-model');
    await page.getByRole('button', { name: 'Model card v2' }).click();
    await page
      .getByTestId('model-card')
      .getByText('support-classifier', { exact: false })
      .first()
      .waitFor();
  });

  it('diffs two prompt versions side by side', async () => {
    await open('/prompts');
    await page.getByRole('link', { name: 'support-answer' }).click();
    await page.getByTestId('prompt-diff').waitFor();
    expect(await page.getByTestId('prompt-version-row').count()).toBe(2);
    const diff = page.getByTestId('prompt-diff');
    await diff
      .locator('[data-kind=del]', { hasText: 'Answer the question: {{question}}' })
      .waitFor();
    await diff.locator('[data-kind=add]', { hasText: 'Cite the order id.' }).waitFor();
    expect(await diff.locator('[data-kind=same]', { hasText: 'Be brief' }).count()).toBe(0);
    await shoot('06-prompt-diff');
  });

  it('shows evaluation rows, failures only, two runs side by side', async () => {
    const [a, b] = scenario.evalRunIds;
    await open(`/evaluations?experiment=${scenario.experimentId}&a=${a}&b=${b}`);
    await page.getByTestId('eval-table').waitFor();
    expect(await page.getByTestId('eval-row').count()).toBe(4);
    await page.getByLabel('Failures only').click();
    await waitForCount('eval-row', 2);
    const first = page.getByTestId('eval-row').filter({ hasText: 'What is 2+2?' });
    expect(await first.textContent()).toContain('+1');
    await first.click();
    await first.getByText('Wrong sum.').waitFor();
    await shoot('07-evaluations');
  });

  it('shows dashboards with the seeded totals', async () => {
    await open(`/dashboards?board=usage&experiment_id=${scenario.experimentId}`);
    const totals = page.getByTestId('dashboard-totals');
    await totals.waitFor();
    expect(await totals.textContent()).toMatch(/4\s*requests/);
    expect(await totals.textContent()).toMatch(/2\s*active users/);
    expect(await totals.textContent()).toMatch(/2\s*sessions/);
    await shoot('09-dashboard-usage');
    await page.getByRole('button', { name: 'Cost' }).click();
    await page
      .getByTestId('dashboard-totals')
      .getByText('150')
      .first()
      .waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Performance' }).click();
    await page.getByTestId('dashboard-totals').getByText('traces').waitFor();
    expect(await page.getByTestId('dashboard-totals').textContent()).toMatch(/^4\s*traces/);
    await shoot('09-dashboard-performance');
  });

  it('shows the gateway page (this server mounts no gateway) with routes of logged calls', async () => {
    // A call a standalone gateway logged here: its route travels as trace metadata.
    const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    await new Seeder(server.url).spans(scenario.experimentId, [
      {
        traceId: hexId(16, 0xa7e),
        spanId: hexId(8, 0xa7e),
        name: 'support-chat',
        startNs,
        endNs: startNs + 40_000_000n,
        attributes: {
          'cairn.trace.metadata': JSON.stringify({ 'cairn.gateway.route': 'support-chat' }),
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
        },
      },
    ]);
    await open('/gateway');
    await page.getByRole('heading', { name: 'Gateway' }).waitFor();
    await page.getByText('No gateway mounted in this server').waitFor();
    const row = page.getByTestId('logged-route-row');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    const [route, calls, tokens, cost] = await row.first().locator('td').allTextContents();
    expect([route, calls, tokens]).toEqual(['support-chat', '1', '1,500']);
    expect(cost).toMatch(/^\$0\.000[1-9]/);
    await shoot('08-gateway');
    await row.getByRole('link', { name: 'support-chat' }).click();
    await page.getByRole('heading', { name: 'Dashboards' }).waitFor();
    expect(new URL(page.url()).searchParams.get('route')).toBe('support-chat');
  });

  it('renders in the dark theme', async () => {
    await open(`/experiments/${scenario.experimentId}/runs`);
    await page.getByRole('button', { name: 'Switch theme' }).click();
    await page.getByText('run-00', { exact: true }).waitFor();
    await shoot('10-runs-dark');
    await open(`/traces/${scenario.traceId}`);
    await page.getByTestId('span-row').first().waitFor();
    await shoot('10-trace-dark');
    await page.getByRole('button', { name: 'Switch theme' }).click();
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
