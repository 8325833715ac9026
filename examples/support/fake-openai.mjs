// A local stand-in for an LLM provider, speaking OpenAI's chat-completions wire format (JSON and
// SSE streams with usage) and Anthropic's messages format, so the examples run without keys.
// Answers are deterministic (see loan-desk.mjs); a grading prompt gets a JSON verdict, as an LLM
// judge would give. Run it alone with `node examples/support/fake-openai.mjs [--port 8089]`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { answerFor } from './loan-desk.mjs';

const created = 1_760_000_000;
const tokens = (text) => Math.max(1, Math.ceil(String(text).length / 4));
const textOf = (content) =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((part) => part?.text ?? '').join('')
      : '';

/**
 * Starts the fake on a free loopback port (or `port`).
 * - `name` shows in answers' ids, so a fallback is visible;
 * - `failEvery: n` answers every n-th chat call with 503, as an overloaded provider does (the
 *   returned object's `failEvery` can be changed while it runs; 0 stops the failures);
 * - `latencyMs` is the base delay; a deterministic jitter of up to 3× is added per call.
 */
export async function startFakeOpenAI({
  name = 'fake',
  failEvery = 0,
  latencyMs = 15,
  port = 0,
} = {}) {
  let calls = 0;
  const stats = { calls: 0, failures: 0, judged: 0 };
  const fake = { name, url: '', baseUrl: '', stats, failEvery, close: undefined };
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method === 'GET' && path === '/v1/models') {
        return sendJson(response, 200, {
          object: 'list',
          data: [{ id: 'gpt-4', object: 'model' }],
        });
      }
      let body;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return sendJson(response, 400, {
          error: { message: 'invalid JSON', type: 'invalid_request_error' },
        });
      }
      if (path !== '/v1/chat/completions' && path !== '/v1/messages') {
        return sendJson(response, 404, {
          error: { message: `no route ${path}`, type: 'not_found' },
        });
      }
      const call = ++calls;
      stats.calls++;
      if (fake.failEvery > 0 && call % fake.failEvery === 0) {
        stats.failures++;
        return sendJson(response, 503, {
          error: { message: `${name} is overloaded`, type: 'server_error', code: 'overloaded' },
        });
      }
      const reply = replyTo(body, path === '/v1/messages', stats);
      const delay = latencyMs + ((call * 37) % (3 * latencyMs + 1));
      setTimeout(() => {
        if (path === '/v1/messages') anthropicMessage(response, body, reply, name);
        else openAIChat(response, body, reply, name);
      }, delay);
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  /** For the openai client's `baseURL` and the gateway's `openai_api_base`. */
  fake.baseUrl = `${fake.url}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** The reply text and token counts for a chat request (either wire format). */
function replyTo(body, anthropic, stats) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const system = anthropic
    ? textOf(body.system)
    : messages
        .filter((message) => message.role === 'system')
        .map((message) => textOf(message.content))
        .join('\n');
  const conversation = messages.filter((message) => message.role !== 'system');
  const allText = [system, ...conversation.map((message) => textOf(message.content))].join('\n');
  let text;
  if (allText.includes('You are an impartial judge')) {
    stats.judged++;
    text = judge(allText);
  } else {
    const question = textOf(
      conversation.filter((message) => message.role === 'user').at(-1)?.content,
    );
    text = answerFor(system, question);
  }
  return { text, promptTokens: tokens(allText), completionTokens: tokens(text) };
}

/**
 * A judge's verdict, as JSON. With a target (answer correctness/similarity) the score counts the
 * target's figures (amount, rate, term) found in the output; without one (relevance) an output
 * with any figure of the asked-about product counts as relevant.
 */
function judge(prompt) {
  const output = /\nOutput:\n([\s\S]*?)\n\n/.exec(prompt)?.[1] ?? '';
  const target = /key: targets\nvalue:\n([^\n]*)/.exec(prompt)?.[1];
  const figures = (text) =>
    [...String(text).matchAll(/\d[\d,.]*\d%?|\d%?/g)].map((match) => match[0]);
  if (target !== undefined) {
    const wanted = figures(target);
    const found = wanted.filter((figure) => output.includes(figure)).length;
    const score = wanted.length === 0 ? 3 : 1 + Math.round((4 * found) / wanted.length);
    return JSON.stringify({
      score,
      justification: `The output states ${found} of the ${wanted.length} figures of the target.`,
    });
  }
  const score = figures(output).length > 0 ? 5 : 2;
  return JSON.stringify({
    score,
    justification:
      score === 5
        ? 'The output answers with concrete loan figures.'
        : 'The output gives no figures.',
  });
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function streamEvents(response, events, done) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const { event, data } of events) {
    response.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  }
  if (done) response.write('data: [DONE]\n\n');
  response.end();
}

/** Splits a text into word-sized stream pieces that join back to the text. */
const pieces = (text) => text.match(/\S+\s*/g) ?? [text];

function openAIChat(response, body, reply, name) {
  const model = String(body.model ?? 'gpt-4');
  const id = `chatcmpl-${name}-${Date.now().toString(36)}`;
  const usage = {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
  };
  if (body.stream !== true) {
    return sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: `fp_${name}`,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.text, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage,
    });
  }
  const chunk = (choices, extra = {}) => ({
    data: { id, object: 'chat.completion.chunk', created, model, choices, ...extra },
  });
  streamEvents(
    response,
    [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      ...pieces(reply.text).map((content) =>
        chunk([{ index: 0, delta: { content }, finish_reason: null }]),
      ),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      ...(body.stream_options?.include_usage ? [chunk([], { usage })] : []),
    ],
    true,
  );
}

function anthropicMessage(response, body, reply, name) {
  const model = String(body.model ?? 'claude');
  const id = `msg_${name}_${Date.now().toString(36)}`;
  if (body.stream !== true) {
    return sendJson(response, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: reply.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens },
    });
  }
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
  streamEvents(response, [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { ...message, usage: { input_tokens: reply.promptTokens, output_tokens: 1 } },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    ...pieces(reply.text).map((text) => ({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: reply.completionTokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

// Standalone: `node examples/support/fake-openai.mjs --port 8089` serves until Ctrl-C.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const portFlag = process.argv.indexOf('--port');
  const fake = await startFakeOpenAI({
    port: portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0,
  });
  console.log(
    `fake LLM provider on ${fake.baseUrl} (OpenAI: /v1/chat/completions, Anthropic: /v1/messages)`,
  );
}
