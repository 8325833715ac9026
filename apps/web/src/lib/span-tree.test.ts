import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { chatMessages, retrievedDocuments, visibleRows } from './span-tree';

function span(id: string, parent: string | null, start: number, extra: Partial<Span> = {}): Span {
  return {
    trace_id: 't',
    span_id: id,
    parent_span_id: parent,
    name: id,
    span_type: 'CHAIN',
    start_time_ns: String(start),
    end_time_ns: String(start + 10),
    duration_ms: 0,
    status: 'OK',
    status_message: null,
    model: null,
    usage: null,
    cost: null,
    inputs: null,
    outputs: null,
    attributes: {},
    events: [],
    ...extra,
  };
}

describe('visibleRows', () => {
  const spans = [
    span('c2', 'root', 30),
    span('root', null, 0),
    span('c1', 'root', 20),
    span('g', 'c1', 25),
  ];

  it('orders depth first by start time with depths', () => {
    expect(visibleRows(spans, new Set()).map((row) => [row.span.span_id, row.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['g', 2],
      ['c2', 1],
    ]);
  });

  it('hides the subtree of a collapsed span and shows orphans (parent not loaded) as roots', () => {
    expect(visibleRows(spans, new Set(['c1'])).map((row) => row.span.span_id)).toEqual([
      'root',
      'c1',
      'c2',
    ]);
    expect(visibleRows([span('late', 'missing', 5)], new Set()).map((row) => row.depth)).toEqual([
      0,
    ]);
  });
});

describe('chatMessages and retrievedDocuments', () => {
  it('reads OpenAI chat inputs and choices, with tool calls', () => {
    const chat = span('chat', null, 0, {
      inputs: { messages: [{ role: 'user', content: 'hi' }] },
      outputs: {
        choices: [
          {
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ function: { name: 'lookup', arguments: '{"id":1}' } }],
            },
          },
        ],
      },
    });
    expect(chatMessages(chat)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: '', toolCalls: [{ name: 'lookup', arguments: '{"id":1}' }] },
    ]);
    expect(chatMessages(span('plain', null, 0, { inputs: { question: 'x' } }))).toBeUndefined();
  });

  it('reads page_content documents', () => {
    const retriever = span('r', null, 0, {
      outputs: [{ page_content: 'doc', metadata: { id: 1 } }, { other: 1 }],
    });
    expect(retrievedDocuments(retriever)).toEqual([{ content: 'doc', metadata: { id: 1 } }]);
  });
});
