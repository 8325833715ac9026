import { afterEach, describe, expect, it } from 'vitest';
import { MemorySpanExporter } from '../test-kit/memory-span-exporter.js';
import { getCurrentSpan, SpanType, TraceAttribute, Tracer } from './index.js';
import { readParameterNames } from './traced.js';

const exporter = new MemorySpanExporter();
const tracer = new Tracer({ exporter, exitHook: false, onError: () => {} });
afterEach(() => {
  exporter.spans.length = 0;
});

describe('traced', () => {
  it('wraps a sync function: inputs by parameter name, outputs from the result', async () => {
    function add(left: number, right = 10) {
      return left + right;
    }
    const tracedAdd = tracer.traced(add, { spanType: SpanType.TOOL });
    expect(tracedAdd(2, 3)).toBe(5);
    expect(tracedAdd.name).toBe('add');
    await tracer.flush();
    expect(exporter.byName('add').name).toBe('add');
    expect(exporter.attribute('add', TraceAttribute.spanInputs)).toEqual({ left: 2, right: 3 });
    expect(exporter.attribute('add', TraceAttribute.spanOutputs)).toBe(5);
    expect(exporter.attribute('add', TraceAttribute.spanType)).toBe('TOOL');
  });

  it('wraps an async function, keeps `this`, and nests calls made inside', async () => {
    const inner = tracer.traced(async (text: string) => text.toUpperCase(), { name: 'shout' });
    const service = {
      prefix: '>',
      run: tracer.traced(async function run(this: { prefix: string }, text: string) {
        return `${this.prefix}${await inner(text)}`;
      }),
    };
    await expect(service.run('hi')).resolves.toBe('>HI');
    await tracer.flush();
    expect(exporter.byName('shout').parentSpanId).toBe(exporter.byName('run').spanId);
    expect(exporter.attribute('run', TraceAttribute.spanOutputs)).toBe('>HI');
    expect(exporter.attribute('shout', TraceAttribute.spanInputs)).toEqual({ text: 'hi' });
  });

  it('rethrows errors unchanged and records them', async () => {
    const failure = new TypeError('bad input');
    const explode = tracer.traced(async function explode() {
      throw failure;
    });
    await expect(explode()).rejects.toBe(failure);
    await tracer.flush();
    expect(exporter.byName('explode').status.code).toBe('ERROR');
    expect(exporter.byName('explode').events[0]?.attributes['exception.type']).toBe('TypeError');
  });

  it('honours captureInputs/captureOutputs and mapping functions', async () => {
    const quiet = tracer.traced((secret: string) => `${secret}!`, {
      name: 'quiet',
      captureInputs: false,
      captureOutputs: false,
    });
    const mapped = tracer.traced(async (user: string, password: string) => ({ user, password }), {
      name: 'mapped',
      inputs: (user) => ({ user }),
      outputs: (result) => ({ user: (result as { user: string }).user }),
    });
    quiet('pw');
    await mapped('ann', 'pw');
    await tracer.flush();
    expect(exporter.byName('quiet').attributes.has(TraceAttribute.spanInputs)).toBe(false);
    expect(exporter.byName('quiet').attributes.has(TraceAttribute.spanOutputs)).toBe(false);
    expect(exporter.attribute('mapped', TraceAttribute.spanInputs)).toEqual({ user: 'ann' });
    expect(exporter.attribute('mapped', TraceAttribute.spanOutputs)).toEqual({ user: 'ann' });
  });

  it('records arguments as { args } when parameter names cannot be read', async () => {
    const destructured = tracer.traced(({ a }: { a: number }) => a, { name: 'destructured' });
    destructured({ a: 1 });
    await tracer.flush();
    expect(exporter.attribute('destructured', TraceAttribute.spanInputs)).toEqual({
      args: [{ a: 1 }],
    });
  });

  it('makes the span current inside the wrapped function', () => {
    const seen = tracer.traced(function seen() {
      return getCurrentSpan()?.name;
    });
    expect(seen()).toBe('seen');
  });
});

describe('readParameterNames', () => {
  it('reads plain, default, rest and single-arrow parameters', () => {
    expect(
      readParameterNames(function f(a: number, b = 'x,(y)', ...rest: unknown[]) {
        return [a, b, rest];
      }),
    ).toEqual(['a', 'b', '...rest']);
    expect(readParameterNames(async (query: string) => query)).toEqual(['query']);
    expect(readParameterNames(() => 1)).toEqual([]);
    expect(readParameterNames(({ a }: { a: number }) => a)).toBeUndefined();
    expect(readParameterNames(Math.max)).toEqual([]);
  });
});

describe('traced generators', () => {
  it('keeps the span open while an async generator is consumed and nests spans made inside', async () => {
    const lookup = tracer.traced(async (id: number) => `doc-${id}`, { name: 'lookup' });
    const stream = tracer.traced(async function* stream(count: number) {
      for (let index = 0; index < count; index++) yield await lookup(index);
    });
    const seen: string[] = [];
    for await (const item of stream(3)) seen.push(item);
    expect(seen).toEqual(['doc-0', 'doc-1', 'doc-2']);
    await tracer.flush();
    const span = exporter.byName('stream');
    expect(exporter.attribute('stream', TraceAttribute.spanOutputs)).toEqual([
      'doc-0',
      'doc-1',
      'doc-2',
    ]);
    expect(exporter.spans.filter((s) => s.name === 'lookup').map((s) => s.parentSpanId)).toEqual([
      span.spanId,
      span.spanId,
      span.spanId,
    ]);
    expect((span.endTimeMs ?? 0) >= Math.max(...exporter.spans.map((s) => s.endTimeMs ?? 0))).toBe(
      true,
    );
  });

  it('ends a sync generator abandoned early, and records a generator that throws', async () => {
    const numbers = tracer.traced(function* numbers() {
      yield 1;
      yield 2;
      yield 3;
    });
    for (const value of numbers()) if (value === 2) break;
    const failure = new Error('midway');
    const broken = tracer.traced(async function* broken() {
      yield 'a';
      throw failure;
    });
    await expect(async () => {
      for await (const _ of broken()) {
        // consume
      }
    }).rejects.toBe(failure);
    await tracer.flush();
    expect(exporter.attribute('numbers', TraceAttribute.spanOutputs)).toEqual([1, 2]);
    expect(exporter.byName('numbers').status.code).toBe('OK');
    expect(exporter.byName('broken').status.code).toBe('ERROR');
  });
});
