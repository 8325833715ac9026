import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerSimilarity,
  ChatEndpointError,
  openAiCompatibleChatModel,
  parseJudgeUri,
} from '../index.js';

// A local server speaking OpenAI's chat-completions wire format: it grades an answer 5 when the
// prompt's output equals the target, else 2, and answers 429 for the model 'busy-model'.
let server: Server;
let baseUrl: string;
const seen: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const body = JSON.parse(raw) as { model: string; messages: { content: string }[] };
    seen.push({ headers: request.headers, body });
    if (request.url !== '/v1/chat/completions') {
      response.writeHead(404).end();
      return;
    }
    if (body.model === 'busy-model') {
      response.writeHead(429, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"rate limited"}}');
      return;
    }
    const prompt = body.messages[0]!.content;
    const output = /Output:\n(.*)\n/.exec(prompt)?.[1];
    const target = /key: targets\nvalue:\n(.*)\n/.exec(prompt)?.[1];
    const score = output === target ? 5 : 2;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: JSON.stringify({ score, justification: `score ${score}` }),
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => {
  server.close();
});

describe('openAiCompatibleChatModel', () => {
  it('grades through a real HTTP endpoint as judge openai:/gpt-4o', async () => {
    const uri = parseJudgeUri('openai:/gpt-4o');
    const model = openAiCompatibleChatModel({ baseUrl, apiKey: 'sk-test', model: uri.name });
    const metric = answerSimilarity({ model });
    const result = await metric.evaluate({
      predictions: ['Paris', 'Lyon'],
      targets: ['Paris', 'Paris'],
      rows: [{ inputs: 'Capital of France?' }, { inputs: 'Capital of France?' }],
    });
    expect(result.rows.map((row) => row.score)).toEqual([5, 2]);
    expect(result.rows[0]!.judgeUsage).toMatchObject({
      model: 'gpt-4o',
      promptTokens: 50,
      completionTokens: 10,
    });
    expect(result.rows[0]!.judgeUsage!.costUsd).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer sk-test');
    expect(last.body).toMatchObject({
      model: 'gpt-4o',
      stream: false,
      response_format: { type: 'json_object' },
    });
  });

  it('raises retryable errors for 429 and rejects bad judge URIs', async () => {
    const model = openAiCompatibleChatModel({ baseUrl, model: 'busy-model' });
    const error = await model
      .chat({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ChatEndpointError);
    expect(error).toMatchObject({ status: 429, isRetryable: true });
    expect(parseJudgeUri('gateway:/judge-route')).toEqual({
      scheme: 'gateway',
      name: 'judge-route',
    });
    expect(() => parseJudgeUri('gpt-4o')).toThrow(RangeError);
  });
});
