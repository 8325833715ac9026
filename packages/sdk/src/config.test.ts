import { describe, expect, it } from 'vitest';
import { readSdkEnvironment } from './config.js';
import { Cairn } from './fluent/cairn.js';
import { MemorySpanExporter } from './test-kit/memory-span-exporter.js';

describe('CAIRN_TRACE_SAMPLING_RATIO', () => {
  it('reads a ratio in 0..1 and ignores anything else', () => {
    const ratio = (value: string) =>
      readSdkEnvironment({ CAIRN_TRACE_SAMPLING_RATIO: value }).traceSamplingRatio;
    expect(ratio('0.25')).toBe(0.25);
    expect(ratio('0')).toBe(0);
    expect(ratio('1')).toBe(1);
    expect(ratio('2')).toBeUndefined();
    expect(ratio('-0.1')).toBeUndefined();
    expect(ratio('half')).toBeUndefined();
    expect(readSdkEnvironment({}).traceSamplingRatio).toBeUndefined();
  });

  it("sets the sampling of a Cairn's tracer; an explicit option wins", async () => {
    const dropAll = new MemorySpanExporter();
    const fromEnv = new Cairn({
      env: { CAIRN_TRACE_SAMPLING_RATIO: '0' },
      exitHook: false,
      tracing: { exporter: dropAll },
    });
    fromEnv.tracer.startSpan('sampled-out', () => {});
    await fromEnv.tracer.flush();
    expect(dropAll.spans).toHaveLength(0);

    const keepAll = new MemorySpanExporter();
    const explicit = new Cairn({
      env: { CAIRN_TRACE_SAMPLING_RATIO: '0' },
      exitHook: false,
      tracing: { exporter: keepAll, samplingRatio: 1 },
    });
    explicit.tracer.startSpan('kept', () => {});
    await explicit.tracer.flush();
    expect(keepAll.spans.map((span) => span.name)).toEqual(['kept']);
  });
});
