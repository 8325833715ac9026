// A local HTTP server speaking OpenAI's wire format, with behaviour tests can change per request:
// answer, fail with a status (and Retry-After), hang, or stream. Records what it received.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake does with one request. */
export type FakeBehaviour =
  | {
      kind: 'ok';
      text?: string;
      delayMs?: number;
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | { kind: 'error'; status: number; retryAfterSeconds?: number; message?: string }
  | { kind: 'hang' }
  | { kind: 'garbage' };

/** One request the fake received. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A running fake; `behave` decides each answer (default: ok). */
export interface FakeOpenAIServer {
  url: string;
  /** Base URL for `openai_api_base` (ends in /v1). */
  baseUrl: string;
  received: ReceivedRequest[];
  behave: (request: ReceivedRequest, index: number) => FakeBehaviour;
  /** Forgets what it received and answers ok again (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a fake OpenAI server on a free loopback port. */
export async function startFakeOpenAI(name = 'fake'): Promise<FakeOpenAIServer> {
  const hanging = new Set<ServerResponse>();
  const fake: FakeOpenAIServer = {
    url: '',
    baseUrl: '',
    received: [],
    behave: () => ({ kind: 'ok' }),
    reset: () => {
      fake.received.length = 0;
      fake.behave = () => ({ kind: 'ok' });
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const received: ReceivedRequest = {
        path: request.url ?? '',
        headers: request.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      fake.received.push(received);
      const behaviour = fake.behave(received, fake.received.length - 1);
      answer(name, received, behaviour, response, hanging);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${port}`;
  fake.baseUrl = `${fake.url}/v1`;
  return fake;
}

function answer(
  name: string,
  request: ReceivedRequest,
  behaviour: FakeBehaviour,
  response: ServerResponse,
  hanging: Set<ServerResponse>,
): void {
  if (behaviour.kind === 'hang') {
    hanging.add(response);
    return;
  }
  if (behaviour.kind === 'garbage') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"not json');
    return;
  }
  if (behaviour.kind === 'error') {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (behaviour.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(behaviour.retryAfterSeconds);
    response.writeHead(behaviour.status, headers).end(
      JSON.stringify({
        error: {
          message: behaviour.message ?? `failure ${behaviour.status}`,
          type: 'server_error',
          code: null,
        },
      }),
    );
    return;
  }
  const send = () => respondOk(name, request, behaviour, response);
  if (behaviour.delayMs) setTimeout(send, behaviour.delayMs);
  else send();
}

function respondOk(
  name: string,
  request: ReceivedRequest,
  behaviour: Extract<FakeBehaviour, { kind: 'ok' }>,
  response: ServerResponse,
): void {
  const model = String(request.body.model ?? 'model');
  const text = behaviour.text ?? `hello from ${name}`;
  const usage = behaviour.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
  const fullUsage = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  const created = 1_700_000_000;
  if (request.path.endsWith('/embeddings')) {
    const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
    json(response, {
      object: 'list',
      data: inputs.map((_input, index) => ({
        object: 'embedding',
        index,
        embedding: [0.5, -0.25, index],
      })),
      model,
      usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.prompt_tokens },
    });
    return;
  }
  const chat = request.path.endsWith('/chat/completions');
  if (request.body.stream) {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const pieces = text.split(/(?<= )/);
    const chunks = pieces.map((piece, index) =>
      chat
        ? {
            id: 'chatcmpl-fake',
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [
              {
                index: 0,
                delta: index === 0 ? { role: 'assistant', content: piece } : { content: piece },
                finish_reason: null,
              },
            ],
          }
        : {
            id: 'cmpl-fake',
            object: 'text_completion',
            created,
            model,
            choices: [{ index: 0, text: piece, finish_reason: null }],
          },
    );
    for (const chunk of chunks) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    const last = chat
      ? {
          id: 'chatcmpl-fake',
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        }
      : {
          id: 'cmpl-fake',
          object: 'text_completion',
          created,
          model,
          choices: [{ index: 0, text: '', finish_reason: 'stop' }],
        };
    response.write(`data: ${JSON.stringify(last)}\n\n`);
    const streamOptions = request.body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) {
      response.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: last.object, created, model, choices: [], usage: fullUsage })}\n\n`,
      );
    }
    response.end('data: [DONE]\n\n');
    return;
  }
  json(
    response,
    chat
      ? {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created,
          model,
          choices: [
            { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
          ],
          usage: fullUsage,
        }
      : {
          id: 'cmpl-fake',
          object: 'text_completion',
          created,
          model,
          choices: [{ index: 0, text, finish_reason: 'stop' }],
          usage: fullUsage,
        },
  );
}

function json(response: ServerResponse, body: unknown): void {
  const payload = JSON.stringify(body);
  response
    .writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    })
    .end(payload);
}
