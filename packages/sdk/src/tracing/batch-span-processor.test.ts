import { afterEach, describe, expect, it } from 'vitest';
import { MemorySpanExporter } from '../test-kit/memory-span-exporter.js';
import { Tracer } from './index.js';

const tracers: Tracer[] = [];
afterEach(async () => {
  for (const tracer of tracers.splice(0)) await tracer.shutdown();
});

function newTracer(exporter: MemorySpanExporter, options: Record<string, unknown> = {}) {
  const errors: unknown[] = [];
  const tracer = new Tracer({
    exporter,
    exitHook: false,
    onError: (error) => errors.push(error),
    ...options,
  });
  tracers.push(tracer);
  return { tracer, errors };
}

describe('BatchSpanProcessor through a Tracer', () => {
  it('drops and counts spans when the queue is full, without blocking or throwing', async () => {
    const exporter = new MemorySpanExporter();
    exporter.hold();
    const { tracer, errors } = newTracer(exporter, { maxQueueSize: 4, maxExportBatchSize: 2 });
    for (let index = 0; index < 4; index++) tracer.startSpan(`s${index}`, () => {});
    // Let the first batch (2 spans) leave the queue and block in the held exporter.
    await new Promise((resolve) => setImmediate(resolve));
    for (let index = 4; index < 12; index++) tracer.startSpan(`s${index}`, () => {});
    expect(tracer.stats()).toMatchObject({ queued: 4, dropped: 6, exported: 0 });
    exporter.release();
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ queued: 0, exported: 6, dropped: 6, failed: 0 });
    expect(exporter.spans.map((span) => span.name)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    expect(errors.map(String).join()).toContain('6 spans dropped');
  });

  it('exports full batches without waiting for the timer', async () => {
    const exporter = new MemorySpanExporter();
    const { tracer } = newTracer(exporter, { maxExportBatchSize: 3, scheduledDelayMs: 60_000 });
    for (let index = 0; index < 7; index++) tracer.startSpan(`s${index}`, () => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The drain started by the first full batch takes what queued meanwhile, in batch-sized requests.
    expect(exporter.batches).toEqual([3, 3, 1]);
  });

  it('sends a partial batch after the scheduled delay', async () => {
    const exporter = new MemorySpanExporter();
    const { tracer } = newTracer(exporter, { scheduledDelayMs: 10 });
    tracer.startSpan('lonely', () => {});
    expect(exporter.spans).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(exporter.spans).toHaveLength(1);
  });

  it('counts failed exports and reports them, never throwing into the caller', async () => {
    const exporter = new MemorySpanExporter();
    exporter.failWith = new Error('server down');
    const { tracer, errors } = newTracer(exporter);
    expect(tracer.startSpan('a', () => 1)).toBe(1);
    await expect(tracer.flush()).resolves.toBeUndefined();
    expect(tracer.stats()).toMatchObject({ failed: 1, exported: 0 });
    expect(errors).toEqual([exporter.failWith]);
  });

  it('survives an onError that throws', async () => {
    const exporter = new MemorySpanExporter();
    exporter.failWith = new Error('boom');
    const { tracer } = newTracer(exporter, {
      onError: () => {
        throw new Error('bad handler');
      },
    });
    tracer.startSpan('a', () => {});
    await expect(tracer.flush()).resolves.toBeUndefined();
    expect(tracer.stats().failed).toBe(1);
  });

  it('gives up on an export that hangs past the export timeout', async () => {
    const exporter = new MemorySpanExporter();
    exporter.hold();
    const { tracer, errors } = newTracer(exporter, { exportTimeoutMs: 20 });
    tracer.startSpan('stuck', () => {});
    await tracer.flush();
    expect(tracer.stats().failed).toBe(1);
    expect(String(errors[0])).toContain('timed out');
    exporter.release();
  });

  it('makes flush and shutdown idempotent and drops spans after shutdown', async () => {
    const exporter = new MemorySpanExporter();
    const { tracer } = newTracer(exporter);
    tracer.startSpan('before', () => {});
    const first = tracer.shutdown();
    expect(tracer.shutdown()).toBe(first);
    await first;
    await tracer.shutdown();
    await tracer.flush();
    await tracer.flush();
    expect(exporter.shutdowns).toBe(1);
    expect(exporter.spans.map((span) => span.name)).toEqual(['before']);
    tracer.startSpan('after', () => {});
    await tracer.flush();
    expect(exporter.spans).toHaveLength(1);
    expect(tracer.stats().dropped).toBe(1);
  });

  it('flushes on beforeExit when the exit hook is on', async () => {
    const exporter = new MemorySpanExporter();
    const before = process.listenerCount('beforeExit');
    const tracer = new Tracer({ exporter, onError: () => {} });
    tracer.startSpan('at-exit', () => {});
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    process.emit('beforeExit', 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.spans.map((span) => span.name)).toEqual(['at-exit']);
    await tracer.shutdown();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });
});
