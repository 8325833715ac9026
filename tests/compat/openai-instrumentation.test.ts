import Anthropic from '@anthropic-ai/sdk';
import { Cairn, SpanType } from '@cairn/sdk';
import { instrumentAnthropic } from '@cairn/sdk/anthropic';
import { instrumentOpenAI } from '@cairn/sdk/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlmServer, startFakeLlmServer } from './support/fake-llm-server.js';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';

interface StoredSpan {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  span_type: string;
  status: string;
  status_message: string | null;
  model: string | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  cost: number | null;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
  events: { name: string }[];
}

// gpt-4o-mini: $0.15 / $0.60 per million input / output tokens in the price catalogue.
const gpt4oMiniCost = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

for (const backend of compatBackends()) {
  describe(`openai and anthropic SDKs instrumented by @cairn/sdk (${backend})`, () => {
    let server: LiveServer;
    let fake: FakeLlmServer;
    let cairn: Cairn;
    let openai: OpenAI;
    let anthropic: Anthropic;
    const errors: unknown[] = [];

    beforeAll(async () => {
      server = await startLiveServer(backend);
      fake = await startFakeLlmServer();
      cairn = new Cairn({
        trackingUri: server.baseUrl,
        env: {},
        exitHook: false,
        onError: (error) => errors.push(error),
      });
      await cairn.setExperiment('llm-instrumentation');
      const tracer = cairn.tracer;
      openai = instrumentOpenAI(
        new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 }),
        { tracer },
      );
      anthropic = instrumentAnthropic(
        new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 }),
        { tracer },
      );
    });
    afterAll(async () => {
      await cairn?.shutdown();
      await fake?.close();
      await server?.close();
    });

    /** Runs `fn` under a root span and answers the trace's stored spans (children of the root). */
    async function spansOf(fn: () => Promise<unknown>): Promise<StoredSpan[]> {
      const traceId = await cairn.tracer.startSpan(
        { name: 'app', spanType: SpanType.CHAIN },
        async (root) => {
          await fn();
          return root.traceId;
        },
      );
      await cairn.tracer.flush();
      expect(errors).toEqual([]);
      const response = await fetch(`${server.baseUrl}/api/2.0/cairn/traces/${traceId}/spans`);
      expect(response.status).toBe(200);
      const { spans } = (await response.json()) as { spans: StoredSpan[] };
      const root = spans.find((span) => span.name === 'app');
      const children = spans.filter((span) => span !== root);
      for (const span of children) expect(span.parent_span_id).toBe(root?.span_id);
      return children;
    }

    /** As `spansOf`, by span name (each name once). */
    async function traceOf(fn: () => Promise<unknown>): Promise<Record<string, StoredSpan>> {
      const spans = await spansOf(fn);
      expect(new Set(spans.map((span) => span.name)).size).toBe(spans.length);
      return Object.fromEntries(spans.map((span) => [span.name, span]));
    }

    it('chat.completions.create: a CHAT_MODEL span with messages, output, usage and cost', async () => {
      let content: string | null | undefined;
      const spans = await traceOf(async () => {
        const completion = await openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'What are the rates?' }],
        });
        content = completion.choices[0]?.message.content;
      });
      expect(content).toBe('Rates are 4%.');
      const span = spans['openai.chat.completions'];
      expect(span?.span_type).toBe('CHAT_MODEL');
      expect(span?.status).toBe('OK');
      expect(span?.model).toBe('gpt-4o-mini');
      expect(span?.inputs).toMatchObject({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'What are the rates?' }],
      });
      expect(span?.outputs).toMatchObject({ choices: [{ message: { content: 'Rates are 4%.' } }] });
      expect(span?.usage).toEqual({ input_tokens: 120, output_tokens: 30, total_tokens: 150 });
      expect(span?.cost).toBeCloseTo(gpt4oMiniCost(120, 30), 12);
    });

    it('streamed chat completions: output rebuilt from chunks, usage from the final chunk, time to first token', async () => {
      let text = '';
      const spans = await traceOf(async () => {
        const stream = await openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Stream it' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      });
      expect(text).toBe('Rates are 4%.');
      const span = spans['openai.chat.completions'];
      expect(span?.span_type).toBe('CHAT_MODEL');
      expect(span?.outputs).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Rates are 4%.' },
            finish_reason: 'stop',
          },
        ],
      });
      expect(span?.usage).toEqual({ input_tokens: 120, output_tokens: 30, total_tokens: 150 });
      expect(span?.cost).toBeCloseTo(gpt4oMiniCost(120, 30), 12);
      expect(span?.events.map((event) => event.name)).toContain('first_token');
      expect(span?.attributes['cairn.llm.timeToFirstTokenMs']).toEqual(expect.any(Number));
    });

    it('the chat stream helper and an abandoned stream still end their spans; instrumenting twice wraps once', async () => {
      instrumentOpenAI(openai, { tracer: cairn.tracer });
      const spans = await spansOf(async () => {
        const helper = openai.chat.completions.stream({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'helper' }],
        });
        expect((await helper.finalChatCompletion()).choices[0]?.message.content).toBe(
          'Rates are 4%.',
        );
        const stream = await openai.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'stop early' }],
          stream: true,
        });
        for await (const _chunk of stream) break;
      });
      expect(spans.map((span) => [span.name, span.model, span.status])).toEqual([
        ['openai.chat.completions', 'gpt-4o-mini', 'OK'],
        ['openai.chat.completions', 'gpt-4o', 'OK'],
      ]);
      expect(spans[0]?.outputs).toMatchObject({
        choices: [{ message: { content: 'Rates are 4%.' } }],
      });
    });

    it('responses.create (plain and streamed) and embeddings.create', async () => {
      const spans = await traceOf(async () => {
        const response = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
        expect(response.output_text).toBe('Rates are 4%.');
        await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
      });
      expect(spans['openai.responses']?.span_type).toBe('CHAT_MODEL');
      expect(spans['openai.responses']?.usage).toEqual({
        input_tokens: 40,
        output_tokens: 10,
        total_tokens: 50,
      });
      expect(spans['openai.embeddings']?.span_type).toBe('EMBEDDING');
      expect(spans['openai.embeddings']?.outputs).toEqual({ count: 2, dimensions: 4 });
      expect(spans['openai.embeddings']?.usage).toEqual({
        input_tokens: 8,
        output_tokens: 0,
        total_tokens: 8,
      });

      const streamed = await traceOf(async () => {
        const stream = await openai.responses.create({
          model: 'gpt-4o-mini',
          input: 'hi',
          stream: true,
        });
        for await (const _event of stream) {
          // consume
        }
      });
      expect(streamed['openai.responses']?.outputs).toMatchObject({
        id: 'resp_1',
        status: 'completed',
      });
      expect(streamed['openai.responses']?.usage).toEqual({
        input_tokens: 40,
        output_tokens: 10,
        total_tokens: 50,
      });
    });

    it('keeps the SDK promise intact and records API errors, rethrowing them unchanged', async () => {
      let caught: unknown;
      const spans = await traceOf(async () => {
        const { data, response } = await openai.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
          .withResponse();
        expect(response.status).toBe(200);
        expect(data.model).toBe('gpt-4o-mini');
        try {
          await openai.embeddings.create({ model: 'fail-model', input: 'x' });
        } catch (error) {
          caught = error;
        }
      });
      expect(caught).toBeInstanceOf(OpenAI.BadRequestError);
      const failed = spans['openai.embeddings'];
      expect(failed?.status).toBe('ERROR');
      expect(failed?.events.map((event) => event.name)).toEqual(['exception']);
      expect(failed?.status_message).toContain('model not found');
    });

    it('anthropic messages.create (plain, streamed and the stream helper)', async () => {
      const plain = await traceOf(async () => {
        const message = await anthropic.messages.create({
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'hello' }],
        });
        expect(message.content[0]).toMatchObject({ type: 'text', text: 'Rates are 4%.' });
      });
      const span = plain['anthropic.messages'];
      expect(span?.span_type).toBe('CHAT_MODEL');
      expect(span?.model).toBe('claude-sonnet-4-5');
      expect(span?.usage).toEqual({ input_tokens: 200, output_tokens: 20, total_tokens: 220 });
      expect(span?.cost).toBeCloseTo((200 * 3 + 20 * 15) / 1e6, 12);

      const streamed = await traceOf(async () => {
        const stream = await anthropic.messages.create({
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'hello' }],
          stream: true,
        });
        for await (const _event of stream) {
          // consume
        }
      });
      expect(streamed['anthropic.messages']?.outputs).toMatchObject({
        role: 'assistant',
        content: [{ type: 'text', text: 'Rates are 4%.' }],
        stop_reason: 'end_turn',
      });
      expect(streamed['anthropic.messages']?.usage).toEqual({
        input_tokens: 200,
        output_tokens: 20,
        total_tokens: 220,
      });
      expect(streamed['anthropic.messages']?.events.map((event) => event.name)).toContain(
        'first_token',
      );

      const helper = await traceOf(async () => {
        const text = await anthropic.messages
          .stream({
            model: 'claude-sonnet-4-5',
            max_tokens: 100,
            messages: [{ role: 'user', content: 'hi' }],
          })
          .finalText();
        expect(text).toBe('Rates are 4%.');
      });
      expect(helper['anthropic.messages']?.usage?.output_tokens).toBe(20);
    });
  });
}
