// STORY step 4 — route through the gateway.
//
//   npx cairn server                      # in another terminal (http://127.0.0.1:5000)
//   node examples/gateway.mjs             # CAIRN_TRACKING_URI overrides the address
//
// Starts `cairn gateway --config examples/gateway.yaml --tracking-uri …` on a free port, with three
// local fake providers (a primary OpenAI that answers 503 to every 4th call, a second OpenAI, and
// an Anthropic one), then calls it with the unchanged `openai` SDK: fallback, the 10% Claude
// experiment, the cache, cost routing, the rate limit and a team's monthly budget.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { startFakeOpenAI } from './support/fake-openai.mjs';
import { loanQuestions } from './support/loan-desk.mjs';
import { api, heading, requireServer, trackingUri, ui } from './support/story-env.mjs';

await requireServer();
const primary = await startFakeOpenAI({ name: 'primary', failEvery: 4 });
const secondary = await startFakeOpenAI({ name: 'secondary' });
const anthropic = await startFakeOpenAI({ name: 'anthropic' });
const fakes = [primary, secondary, anthropic];
const gateway = await startGateway({
  PRIMARY_OPENAI_BASE_URL: primary.baseUrl,
  PRIMARY_OPENAI_API_KEY: 'sk-primary-fake',
  SECONDARY_OPENAI_BASE_URL: secondary.baseUrl,
  SECONDARY_OPENAI_API_KEY: 'sk-secondary-fake',
  ANTHROPIC_BASE_URL: anthropic.baseUrl,
  ANTHROPIC_API_KEY: 'sk-ant-fake',
});
console.log(
  `gateway on ${gateway.url} (providers: primary ${primary.url}, secondary ${secondary.url}, anthropic ${anthropic.url})`,
);

/** The app's one OpenAI client: only the base URL changed; who is asking goes in headers. */
const client = (user, session, team = 'retail-lending') =>
  new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: 'unused-without-virtual-keys',
    maxRetries: 0,
    defaultHeaders: {
      'x-cairn-user': user,
      'x-cairn-session': session,
      'x-cairn-tags': `cost_center=${team},project=loan-chatbot`,
    },
  });
const ask = (openai, route, question, extra = {}) =>
  openai.chat.completions
    .create({ model: route, messages: [{ role: 'user', content: question }], ...extra })
    .withResponse();

try {
  heading('loan-assistant: 90% gpt-4 (primary, else secondary), 10% Claude, sticky per user');
  const served = {};
  for (let index = 0; index < 40; index++) {
    const user = `customer-${index}`;
    const openai = client(user, `sess-gw-${index}`);
    // Each customer words it a little differently, so none of these is a cache hit.
    const question = `${loanQuestions[index % loanQuestions.length].question} (customer ${index})`;
    const before = fakes.map((fake) => fake.stats.calls - fake.stats.failures);
    const { data } = await ask(openai, 'loan-assistant', question);
    const answeredBy = fakes.find(
      (fake, at) => fake.stats.calls - fake.stats.failures > before[at],
    );
    const key = `${data.model} at the ${answeredBy?.name ?? '?'} provider`;
    served[key] = (served[key] ?? 0) + 1;
  }
  for (const [target, count] of Object.entries(served))
    console.log(`${String(count).padStart(3)} calls answered by ${target}`);
  console.log(
    `primary answered 503 to ${primary.stats.failures} calls; each went on to the secondary`,
  );

  heading('Streaming through the gateway');
  const stream = await client('customer-1', 'sess-gw-1').chat.completions.create({
    model: 'loan-assistant',
    messages: [{ role: 'user', content: 'Stream me the car loan terms, please.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  console.log(`streamed: ${streamed}`);

  heading('The cache: the same question twice');
  const repeat = client('customer-2', 'sess-gw-2');
  const question = 'What rate do you charge for a car loan? (asked twice)';
  const first = await ask(repeat, 'loan-assistant', question);
  const second = await ask(repeat, 'loan-assistant', question);
  console.log(
    `first: x-cairn-cache=${first.response.headers.get('x-cairn-cache') ?? 'miss'}; second: x-cairn-cache=${second.response.headers.get('x-cairn-cache')}`,
  );

  // The rate limit counts per clock minute; start the loan-faq calls early in one so that the
  // demonstration below is not split across two windows.
  const leftInMinute = 60_000 - (Date.now() % 60_000);
  if (leftInMinute < 10_000) await new Promise((resolve) => setTimeout(resolve, leftInMinute + 50));
  heading('loan-faq: cost routing sends simple questions to the cheaper model');
  const faq = client('customer-3', 'sess-gw-3');
  const simple = await ask(faq, 'loan-faq', 'Can I repay early?', { max_tokens: 60 });
  const complex = await ask(
    faq,
    'loan-faq',
    'Compare a car loan with a personal loan for a 20,000 EUR car over 4 years.',
    { max_tokens: 600 },
  );
  console.log(`max_tokens 60  → ${simple.data.model}\nmax_tokens 600 → ${complex.data.model}`);

  heading('Rate limit: loan-faq allows 10 requests a minute');
  const outcomes = [];
  for (let index = 0; index < 10; index++) {
    outcomes.push(
      await ask(faq, 'loan-faq', `FAQ burst ${index}: who can apply?`, { max_tokens: 60 }).then(
        () => 'ok',
        (error) => `${error.status}`,
      ),
    );
  }
  console.log(`10 more calls: ${outcomes.join(' ')} (the first 2 FAQ calls count too)`);

  heading("Budget: the growth-lab team's $0.005 a month");
  const sandbox = client('growth-bot', 'sess-growth', 'growth-lab');
  for (let index = 0; index < 10; index++) {
    const refused = await ask(
      sandbox,
      'loan-assistant',
      `Growth test ${index}: what does a student loan cost?`,
    ).then(
      () => undefined,
      (error) => error,
    );
    if (refused) {
      console.log(
        `call ${index + 1} refused with ${refused.status}: ${refused.error?.message ?? refused.message}`,
      );
      break;
    }
    console.log(`call ${index + 1} ok`);
  }
} finally {
  await gateway.stop();
  for (const fake of fakes) await fake.close();
}

heading('Every call is a trace on the tracking server');
const logged = await gatewayTraces();
if (logged.length === 0) {
  console.log(
    "No gateway traces arrived: this server does not accept the gateway's call records yet (POST /api/2.0/cairn/gateway/logs).",
  );
} else {
  const byRoute = {};
  for (const entry of logged) {
    const route = entry.trace_metadata?.['cairn.gateway.route'] ?? '?';
    byRoute[route] = (byRoute[route] ?? 0) + 1;
  }
  console.log(
    Object.entries(byRoute)
      .map(([route, count]) => `${route}: ${count} traces`)
      .join(', '),
  );
  console.log(
    `\nLook in the UI:\n  gateway  ${ui('/gateway')}\n  traces   ${ui(`/experiments/${logged[0].trace_location?.mlflow_experiment?.experiment_id ?? '0'}/traces`)}`,
  );
}

/** Traces the gateway logged (metadata cairn.gateway.route), across experiments. */
async function gatewayTraces() {
  const { experiments = [] } = await api('/api/2.0/mlflow/experiments/search', {
    method: 'POST',
    body: { max_results: 1000 },
  });
  if (experiments.length === 0) return [];
  const { traces = [] } = await api('/api/2.0/cairn/traces/search', {
    method: 'POST',
    body: {
      experiment_ids: experiments.map((experiment) => experiment.experiment_id),
      filter: "metadata.`cairn.gateway.route` LIKE 'loan-%'",
      max_results: 1000,
    },
  });
  return traces;
}

/** Runs the `cairn gateway` CLI on a free port and waits until it listens. */
async function startGateway(env) {
  const port = await freePort();
  const cli = fileURLToPath(
    new URL('../bin/cairn.js', `file://${createRequire(import.meta.url).resolve('@cairn/cli')}`),
  );
  const config = fileURLToPath(new URL('gateway.yaml', import.meta.url));
  const child = spawn(
    process.execPath,
    [cli, 'gateway', '--config', config, '--port', String(port), '--tracking-uri', trackingUri],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 15_000;
  while (!output.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`cairn gateway did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM'); // the gateway flushes its pending call records before exiting
      await exited;
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
