import { Cairn, SpanType } from '@cairn/sdk';
import { CairnCallbackHandler } from '@cairn/sdk/langchain';
import { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { DynamicTool } from '@langchain/core/tools';
import { FakeListChatModel, FakeRetriever } from '@langchain/core/utils/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './support/live-server.js';

interface StoredSpan {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  span_type: string;
  status: string;
  inputs: unknown;
  outputs: unknown;
  events: { name: string; attributes: Record<string, unknown> }[];
}

describe('LangChain.js with the Cairn callback handler', () => {
  let server: LiveServer;
  let cairn: Cairn;
  const errors: unknown[] = [];

  beforeAll(async () => {
    server = await startLiveServer();
    cairn = new Cairn({
      trackingUri: server.baseUrl,
      env: {},
      exitHook: false,
      onError: (error) => errors.push(error),
    });
    await cairn.setExperiment('langchain');
  });
  afterAll(async () => {
    await cairn?.shutdown();
    await server?.close();
  });

  async function spansOf(traceId: string): Promise<StoredSpan[]> {
    await cairn.tracer.flush();
    expect(errors).toEqual([]);
    const response = await fetch(`${server.baseUrl}/api/2.0/cairn/traces/${traceId}/spans`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { spans: StoredSpan[] }).spans;
  }

  it('turns a RAG chain into CHAIN, RETRIEVER, CHAT_MODEL, PARSER and TOOL spans under the active span', async () => {
    const handler = new CairnCallbackHandler({ tracer: cairn.tracer });
    const retriever = new FakeRetriever({
      output: [
        new Document({ pageContent: 'Rates are 4%.', metadata: { source: 'rates.md' } }),
        new Document({ pageContent: 'Fees are low.', metadata: { source: 'fees.md' } }),
      ],
    });
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Answer from the context: {context}'],
      ['human', '{question}'],
    ]);
    const chain = RunnableSequence.from([
      {
        // The lambda hands its config on, so the retriever's run is its child.
        context: RunnableLambda.from(async (input: { question: string }, config) => {
          const docs = await retriever.invoke(input.question, config);
          return docs.map((doc) => doc.pageContent).join('\n');
        }).withConfig({ runName: 'retrieve-context' }),
        question: RunnableLambda.from((input: { question: string }) => input.question),
      },
      prompt,
      new FakeListChatModel({ responses: ['The rate is 4%.'] }),
      new StringOutputParser(),
    ]).withConfig({ runName: 'rag-chain' });
    const calculator = new DynamicTool({
      name: 'calculator',
      description: 'adds',
      func: async (input: string) =>
        String(input.split('+').reduce((sum, part) => sum + Number(part), 0)),
    });

    const traceId = await cairn.tracer.startSpan(
      { name: 'app', spanType: SpanType.AGENT },
      async (root) => {
        const answer = await chain.invoke(
          { question: 'What is the rate?' },
          { callbacks: [handler] },
        );
        expect(answer).toBe('The rate is 4%.');
        expect(await calculator.invoke('2+3', { callbacks: [handler] })).toBe('5');
        return root.traceId;
      },
    );

    const spans = await spansOf(traceId);
    const byName = (name: string) => {
      const span = spans.find((candidate) => candidate.name === name);
      if (!span) throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
      return span;
    };
    const app = byName('app');
    const ragChain = byName('rag-chain');
    expect(ragChain.parent_span_id).toBe(app.span_id);
    expect(ragChain.span_type).toBe('CHAIN');
    expect(ragChain.inputs).toEqual({ question: 'What is the rate?' });
    expect(ragChain.outputs).toEqual({ output: 'The rate is 4%.' });

    const retrieverSpan = spans.find((span) => span.span_type === 'RETRIEVER');
    expect(retrieverSpan?.inputs).toBe('What is the rate?');
    expect(retrieverSpan?.outputs).toEqual([
      { page_content: 'Rates are 4%.', metadata: { source: 'rates.md' } },
      { page_content: 'Fees are low.', metadata: { source: 'fees.md' } },
    ]);
    // The retriever runs inside the lambda: its LangChain parent is that lambda's run.
    expect(retrieverSpan?.parent_span_id).toBe(byName('retrieve-context').span_id);

    const chat = spans.find((span) => span.span_type === 'CHAT_MODEL');
    expect(chat?.parent_span_id).toBe(ragChain.span_id);
    expect(chat?.inputs).toEqual([
      { role: 'system', content: 'Answer from the context: Rates are 4%.\nFees are low.' },
      { role: 'user', content: 'What is the rate?' },
    ]);
    expect(chat?.outputs).toMatchObject({ role: 'assistant', content: 'The rate is 4%.' });

    const parser = spans.find((span) => span.span_type === 'PARSER');
    expect(parser?.parent_span_id).toBe(ragChain.span_id);
    expect(parser?.outputs).toEqual({ output: 'The rate is 4%.' });

    const tool = byName('calculator');
    expect(tool.span_type).toBe('TOOL');
    expect(tool.parent_span_id).toBe(app.span_id);
    expect(tool.inputs).toEqual({ input: '2+3' });
    expect(tool.outputs).toBe('5');
    expect(spans.every((span) => span.status === 'OK')).toBe(true);
  });

  it('records a failing chain step as ERROR and rethrows the error', async () => {
    const handler = new CairnCallbackHandler({ tracer: cairn.tracer });
    const failure = new Error('lookup failed');
    const chain = RunnableLambda.from(async () => {
      throw failure;
    }).withConfig({ runName: 'failing-step' });
    let traceId = '';
    await expect(
      cairn.tracer.startSpan('app', async (root) => {
        traceId = root.traceId;
        await chain.invoke({}, { callbacks: [handler] });
      }),
    ).rejects.toBe(failure);
    const spans = await spansOf(traceId);
    const step = spans.find((span) => span.name === 'failing-step');
    expect(step?.status).toBe('ERROR');
    expect(step?.events[0]?.name).toBe('exception');
    expect(step?.events[0]?.attributes['exception.message']).toBe('lookup failed');
  });
});
