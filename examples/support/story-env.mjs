// What every example needs: the tracking server's address (checked up front, with a hint when
// nothing answers), links into the UI, and an LLM provider — the real one when OPENAI_API_KEY is
// set, else the local fake started on a free loopback port.
import { startFakeOpenAI } from './fake-openai.mjs';

/** CAIRN_TRACKING_URI, default http://127.0.0.1:5000, without a trailing slash. */
export const trackingUri = (process.env.CAIRN_TRACKING_URI ?? 'http://127.0.0.1:5000').replace(
  /\/+$/,
  '',
);

/** Fails early, and helpfully, when no Cairn server answers at the tracking URI. */
export async function requireServer() {
  try {
    const response = await fetch(`${trackingUri}/health`);
    if (response.ok) return;
    throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    console.error(
      `No Cairn server answers at ${trackingUri} (${error.message}).\n` +
        'Start one with `npx cairn server` or set CAIRN_TRACKING_URI.',
    );
    process.exit(2);
  }
}

/** A link into the UI served by the tracking server. */
export const ui = (path) => `${trackingUri}${path}`;

/** Prints a step heading. */
export function heading(text) {
  console.log(`\n== ${text}`);
}

/** JSON from the tracking server's REST API; throws with the server's message on errors. */
export async function api(path, { method = 'GET', query, body } = {}) {
  const url = new URL(`${trackingUri}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of [value].flat()) if (item !== undefined) url.searchParams.append(key, item);
  }
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/**
 * The chat provider the examples call: `{ baseUrl, apiKey, model, close }`. With OPENAI_API_KEY
 * set (and CAIRN_EXAMPLES_FAKE_LLM not 1) it is the real OpenAI-compatible endpoint
 * (OPENAI_BASE_URL, model CAIRN_EXAMPLES_MODEL or gpt-4o-mini); otherwise the local fake.
 */
export async function chatProvider() {
  if (process.env.OPENAI_API_KEY && process.env.CAIRN_EXAMPLES_FAKE_LLM !== '1') {
    return {
      baseUrl: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      apiKey: process.env.OPENAI_API_KEY,
      model: process.env.CAIRN_EXAMPLES_MODEL ?? 'gpt-4o-mini',
      fake: false,
      close: async () => {},
    };
  }
  const fake = await startFakeOpenAI({ name: 'provider' });
  console.log(`(no OPENAI_API_KEY: using the local fake LLM provider at ${fake.baseUrl})`);
  return {
    baseUrl: fake.baseUrl,
    apiKey: 'sk-fake',
    model: 'gpt-4o-mini',
    fake: true,
    close: fake.close,
  };
}
