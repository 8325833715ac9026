import { describe, expect, it } from 'vitest';
import { MemorySpanExporter } from '../test-kit/memory-span-exporter.js';
import { encodeOtlpJson, encodeValue, type OtlpJsonRequest, Tracer } from './index.js';
import { nanosText } from './otlp-json.js';

describe('encodeOtlpJson', () => {
  it('encodes ids in hex, times in ns text, MLflow attributes as JSON text, events typed', async () => {
    const exporter = new MemorySpanExporter();
    const tracer = new Tracer({ exporter, exitHook: false });
    tracer.startSpan({ name: 'root', spanType: 'CHAIN', inputs: { q: 1 } }, (root) => {
      tracer.startSpan({ name: 'child', startTimeMs: 1_700_000_000_123.5 }, (child) => {
        child.addEvent('note', {
          count: 3,
          ratio: 0.5,
          ok: true,
          label: 'x"q',
          list: [1],
          nan: Number.NaN,
        });
        child.setStatus('ERROR', 'nope');
      });
      return root.spanId;
    });
    await tracer.shutdown();
    const text = encodeOtlpJson(
      exporter.spans,
      { 'service.name': 'svc' },
      { name: 's', version: '1' },
    );
    const body = JSON.parse(text) as OtlpJsonRequest;
    const [child, root] = body.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    if (!child || !root) throw new Error('expected two spans');
    expect(body.resourceSpans[0]?.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'svc' } },
    ]);
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.parentSpanId).toBe('');
    expect(child.parentSpanId).toBe(root.spanId);
    expect(child.startTimeUnixNano).toBe('1700000000123500000');
    expect(child.status).toEqual({ code: 2, message: 'nope' });
    expect(root.status).toEqual({ code: 1 });
    expect(root.kind).toBe(1);
    const attributes = Object.fromEntries(
      root.attributes.map((kv) => [kv.key, 'stringValue' in kv.value ? kv.value.stringValue : '']),
    );
    expect(attributes['mlflow.spanType']).toBe('"CHAIN"');
    expect(attributes['mlflow.spanInputs']).toBe('{"q":1}');
    expect(attributes['mlflow.traceRequestId']).toBeUndefined();
    expect(child.events[0]?.attributes).toEqual([
      { key: 'count', value: { intValue: '3' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: true } },
      { key: 'label', value: { stringValue: 'x"q' } },
      { key: 'list', value: { stringValue: '[1]' } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
    ]);
    expect(root.events).toEqual([]);
    expect(body.resourceSpans[0]?.scopeSpans[0]?.scope).toEqual({ name: 's', version: '1' });
  });

  it('writes nanoseconds without losing digits or carrying wrongly', () => {
    expect(nanosText(1_700_000_000_000)).toBe('1700000000000000000');
    expect(nanosText(1_700_000_000_000.25)).toBe('1700000000000250000');
    expect(nanosText(0.9999999)).toBe('1000000');
    expect(nanosText(5.000001)).toBe('5000001');
  });
});

describe('encodeValue', () => {
  it('never throws: cycles, bigints, errors, maps and throwing toJSON', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    expect(JSON.parse(encodeValue(cyclic))).toEqual({ name: 'a', self: '[Circular]' });
    expect(encodeValue(10n)).toBe('"10"');
    expect(JSON.parse(encodeValue({ error: new Error('x') }))).toEqual({
      error: { name: 'Error', message: 'x' },
    });
    expect(JSON.parse(encodeValue(new Map([['k', 1]])))).toEqual({ k: 1 });
    const shared = { v: 1 };
    expect(JSON.parse(encodeValue([shared, shared]))).toEqual([{ v: 1 }, { v: 1 }]);
    expect(
      encodeValue({
        toJSON: () => {
          throw new Error('no');
        },
      }),
    ).toBe('"[unserializable: no]"');
    expect(encodeValue(undefined)).toBe('null');
  });
});
