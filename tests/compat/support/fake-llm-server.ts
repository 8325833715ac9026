import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local server answering OpenAI's and Anthropic's wire formats (JSON and SSE streams). */
export interface FakeLlmServer {
  url: string;
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const created = 1_760_000_000;

/** Starts the fake on a free loopback port; model answers are fixed texts split into chunks. */
export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const requests: FakeLlmServer['requests'] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const path = (request.url ?? '').split('?')[0] ?? '';
      requests.push({ path, body });
      if (body.model === 'fail-model') {
        sendJson(response, 400, {
          error: { message: 'model not found', type: 'invalid_request_error' },
        });
        return;
      }
      if (path === '/v1/chat/completions') openAIChat(response, body);
      else if (path === '/v1/responses') openAIResponses(response, body);
      else if (path === '/v1/embeddings') openAIEmbeddings(response, body);
      else if (path === '/v1/messages') anthropicMessages(response, body);
      else sendJson(response, 404, { error: { message: `no route ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sse(response: ServerResponse, events: { event?: string; data: unknown }[], done = false) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const { event, data } of events) {
    response.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  }
  if (done) response.write('data: [DONE]\n\n');
  response.end();
}

const answerPieces = ['Rates ', 'are ', '4%.'];

function openAIChat(response: ServerResponse, body: Record<string, unknown>) {
  const model = String(body.model);
  const usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 };
  if (body.stream !== true) {
    sendJson(response, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: answerPieces.join(''), refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage,
    });
    return;
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    data: { id: 'chatcmpl-2', object: 'chat.completion.chunk', created, model, choices, ...extra },
  });
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)
    ?.include_usage;
  sse(
    response,
    [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      ...answerPieces.map((piece) =>
        chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]),
      ),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      ...(includeUsage ? [chunk([], { usage })] : []),
    ],
    true,
  );
}

function openAIResponses(response: ServerResponse, body: Record<string, unknown>) {
  const final = {
    id: 'resp_1',
    object: 'response',
    created_at: created,
    status: 'completed',
    model: String(body.model),
    output: [
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: answerPieces.join(''), annotations: [] }],
      },
    ],
    usage: { input_tokens: 40, output_tokens: 10, total_tokens: 50 },
  };
  if (body.stream !== true) {
    sendJson(response, 200, final);
    return;
  }
  sse(response, [
    {
      event: 'response.created',
      data: { type: 'response.created', response: { ...final, status: 'in_progress', output: [] } },
    },
    ...answerPieces.map((delta) => ({
      event: 'response.output_text.delta',
      data: {
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        delta,
      },
    })),
    { event: 'response.completed', data: { type: 'response.completed', response: final } },
  ]);
}

function openAIEmbeddings(response: ServerResponse, body: Record<string, unknown>) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.1, 0.2, 0.3, 0.4];
  sendJson(response, 200, {
    object: 'list',
    model: String(body.model),
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      // The openai SDK asks for base64 (packed float32) unless the caller chose a format.
      embedding:
        body.encoding_format === 'base64'
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
    })),
    usage: { prompt_tokens: 8, total_tokens: 8 },
  });
}

function anthropicMessages(response: ServerResponse, body: Record<string, unknown>) {
  const model = String(body.model);
  if (body.stream !== true) {
    sendJson(response, 200, {
      id: 'msg_a1',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: answerPieces.join('') }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 200, output_tokens: 20 },
    });
    return;
  }
  sse(response, [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'msg_a2',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 200, output_tokens: 1 },
        },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    ...answerPieces.map((text) => ({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 20 },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}
