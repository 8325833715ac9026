import { afterEach, describe, expect, it } from 'vitest';
import { MemorySpanExporter } from '../test-kit/memory-span-exporter.js';
import { getCurrentSpan, SpanType, TraceAttribute, Tracer, updateCurrentTrace } from './index.js';

const tracers: Tracer[] = [];
afterEach(async () => {
  for (const tracer of tracers.splice(0)) await tracer.shutdown();
});

function newTracer(options: Partial<ConstructorParameters<typeof Tracer>[0]> = {}) {
  const exporter = new MemorySpanExporter();
  const tracer = new Tracer({ exporter, exitHook: false, onError: () => {}, ...options });
  tracers.push(tracer);
  return { tracer, exporter };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('Tracer context propagation', () => {
  it('nests spans across awaits and shares one trace id', async () => {
    const { tracer, exporter } = newTracer();
    await tracer.startSpan({ name: 'root', spanType: SpanType.CHAIN }, async () => {
      await tick();
      await tracer.startSpan('child', async () => {
        await tick();
        tracer.startSpan('grandchild', () => 'done');
      });
    });
    await tracer.flush();
    const root = exporter.byName('root');
    const child = exporter.byName('child');
    const grandchild = exporter.byName('grandchild');
    expect(root.parentSpanId).toBeUndefined();
    expect(child.parentSpanId).toBe(root.spanId);
    expect(grandchild.parentSpanId).toBe(child.spanId);
    expect(new Set([root.traceId, child.traceId, grandchild.traceId]).size).toBe(1);
    expect(root.traceId).toMatch(/^tr-[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(exporter.attribute('root', TraceAttribute.spanType)).toBe('CHAIN');
    expect(exporter.attribute('child', TraceAttribute.spanType)).toBe('UNKNOWN');
  });

  it('keeps parallel Promise.all branches under their own parents', async () => {
    const { tracer, exporter } = newTracer();
    const branch = (name: string, delays: number[]) =>
      tracer.startSpan(name, async () => {
        for (const [index, delay] of delays.entries()) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          await tracer.startSpan(`${name}-step${index}`, async () => tick());
        }
      });
    await tracer.startSpan('root', () =>
      Promise.all([branch('a', [3, 1, 2]), branch('b', [1, 3, 1]), branch('c', [2, 2, 2])]),
    );
    await tracer.flush();
    for (const name of ['a', 'b', 'c']) {
      expect(exporter.byName(name).parentSpanId).toBe(exporter.byName('root').spanId);
      for (const index of [0, 1, 2]) {
        expect(exporter.byName(`${name}-step${index}`).parentSpanId).toBe(
          exporter.byName(name).spanId,
        );
      }
    }
    expect(getCurrentSpan()).toBeUndefined();
  });

  it('starts a new trace per top-level span and after parent: null', async () => {
    const { tracer, exporter } = newTracer();
    tracer.startSpan('first', () => {
      tracer.startSpan({ name: 'detached', parent: null }, () => {});
    });
    tracer.startSpan('second', () => {});
    await tracer.flush();
    const ids = ['first', 'detached', 'second'].map((name) => exporter.byName(name).traceId);
    expect(new Set(ids).size).toBe(3);
    expect(exporter.byName('detached').parentSpanId).toBeUndefined();
  });

  it('makes the span current inside fn only', () => {
    const { tracer } = newTracer();
    expect(getCurrentSpan()).toBeUndefined();
    tracer.startSpan('outer', (span) => {
      expect(getCurrentSpan()).toBe(span);
      const manual = tracer.startSpan('manual');
      // A manual span does not become current, but knows its parent.
      expect(getCurrentSpan()).toBe(span);
      expect(manual.parentSpanId).toBe(span.spanId);
      manual.end();
    });
    expect(getCurrentSpan()).toBeUndefined();
  });
});

describe('startSpan inputs, outputs and errors', () => {
  it('records inputs, attributes and the result as outputs unless fn set them', async () => {
    const { tracer, exporter } = newTracer();
    const result = await tracer.startSpan(
      { name: 'auto', inputs: { q: 'x' }, attributes: { 'app.k': 7 } },
      async () => ({ answer: 42 }),
    );
    expect(result).toEqual({ answer: 42 });
    tracer.startSpan('explicit', (span) => {
      span.setOutputs('mine');
      span.addEvent('checkpoint', { step: 1 });
      return 'ignored';
    });
    await tracer.flush();
    expect(exporter.attribute('auto', TraceAttribute.spanInputs)).toEqual({ q: 'x' });
    expect(exporter.attribute('auto', TraceAttribute.spanOutputs)).toEqual({ answer: 42 });
    expect(exporter.attribute('auto', 'app.k')).toBe(7);
    expect(exporter.attribute('explicit', TraceAttribute.spanOutputs)).toBe('mine');
    expect(exporter.byName('explicit').events[0]).toMatchObject({
      name: 'checkpoint',
      attributes: { step: 1 },
    });
    expect(exporter.byName('auto').status).toEqual({ code: 'OK' });
  });

  it('records an async rejection as ERROR with an exception event and rethrows it unchanged', async () => {
    const { tracer, exporter } = newTracer();
    class RateLimited extends Error {
      override name = 'RateLimited';
    }
    const failure = new RateLimited('slow down');
    await expect(
      tracer.startSpan('failing', async () => {
        await tick();
        throw failure;
      }),
    ).rejects.toBe(failure);
    await tracer.flush();
    const span = exporter.byName('failing');
    expect(span.status).toEqual({ code: 'ERROR', message: 'RateLimited: slow down' });
    expect(span.events).toHaveLength(1);
    expect(span.events[0]?.name).toBe('exception');
    expect(span.events[0]?.attributes).toMatchObject({
      'exception.type': 'RateLimited',
      'exception.message': 'slow down',
    });
    expect(String(span.events[0]?.attributes['exception.stacktrace'])).toContain('slow down');
  });

  it('records a synchronous throw and non-Error values', async () => {
    const { tracer, exporter } = newTracer();
    expect(() =>
      tracer.startSpan('sync', () => {
        throw 'plain string';
      }),
    ).toThrow('plain string');
    await tracer.flush();
    expect(exporter.byName('sync').status.code).toBe('ERROR');
    expect(exporter.byName('sync').events[0]?.attributes['exception.message']).toBe('plain string');
  });

  it('ignores calls on an ended span and ends once', async () => {
    const { tracer, exporter } = newTracer();
    const span = tracer.startSpan('once');
    span.end();
    span.setAttribute('late', 1).setOutputs('late');
    span.end();
    await tracer.flush();
    expect(exporter.spans).toHaveLength(1);
    expect(exporter.byName('once').attributes.has('late')).toBe(false);
  });
});

describe('trace-level data', () => {
  it('puts user, session, tags, metadata and name on the root span', async () => {
    const { tracer, exporter } = newTracer();
    await tracer.startSpan('request', async () => {
      await tracer.startSpan('inner', async () => {
        updateCurrentTrace({ user: 'u-1', session: 's-9', tags: { team: 'loans' } });
        updateCurrentTrace({ metadata: { release: 'v2' }, name: 'chat turn' });
      });
    });
    await tracer.flush();
    expect(exporter.attribute('request', TraceAttribute.traceUser)).toBe('u-1');
    expect(exporter.attribute('request', TraceAttribute.traceSession)).toBe('s-9');
    expect(exporter.byName('request').attributes.get('user.id')).toBe('u-1');
    expect(exporter.byName('request').attributes.get('session.id')).toBe('s-9');
    expect(exporter.attribute('request', TraceAttribute.traceTags)).toEqual({
      team: 'loans',
      'mlflow.traceName': 'chat turn',
    });
    expect(exporter.attribute('request', TraceAttribute.traceMetadata)).toEqual({ release: 'v2' });
    expect(exporter.byName('inner').attributes.has(TraceAttribute.traceUser)).toBe(false);
  });

  it('accumulates the prompt versions a trace links, once each', async () => {
    const { tracer, exporter } = newTracer();
    const link = (name: string, version: string) =>
      updateCurrentTrace({ tags: { 'mlflow.linkedPrompts': JSON.stringify([{ name, version }]) } });
    await tracer.startSpan('answer', async () => {
      link('qa', '3');
      link('summary', '1');
      link('qa', '3');
    });
    await tracer.flush();
    const tags = exporter.attribute('answer', TraceAttribute.traceTags) as Record<string, string>;
    expect(JSON.parse(tags['mlflow.linkedPrompts']!)).toEqual([
      { name: 'qa', version: '3' },
      { name: 'summary', version: '1' },
    ]);
  });

  it('links traces started in an active run to it and its experiment', async () => {
    const { tracer, exporter } = newTracer({
      activeRun: () => ({ runId: 'run-1', experimentId: '17' }),
    });
    tracer.startSpan('in-run', () => {});
    await tracer.flush();
    expect(exporter.byName('in-run').trace.experimentId).toBe('17');
    expect(exporter.attribute('in-run', TraceAttribute.traceMetadata)).toEqual({
      'mlflow.sourceRun': 'run-1',
    });
  });

  it('does nothing without an active span', () => {
    expect(() => updateCurrentTrace({ user: 'nobody' })).not.toThrow();
  });
});

describe('sampling', () => {
  it('drops whole traces at ratio 0 while code still runs', async () => {
    const { tracer, exporter } = newTracer({ samplingRatio: 0 });
    const value = tracer.startSpan('root', (span) => {
      expect(span.isRecording).toBe(false);
      return tracer.startSpan('child', (child) => {
        expect(child.traceId).toBe(span.traceId);
        return 5;
      });
    });
    expect(value).toBe(5);
    await tracer.flush();
    expect(exporter.spans).toHaveLength(0);
  });

  it('keeps about the ratio of traces, all or nothing per trace', async () => {
    const { tracer, exporter } = newTracer({ samplingRatio: 0.25, maxQueueSize: 10_000 });
    for (let index = 0; index < 2000; index++) {
      tracer.startSpan('root', () => tracer.startSpan('child', () => {}));
    }
    await tracer.flush();
    const roots = exporter.spans.filter((span) => span.name === 'root');
    expect(roots.length).toBeGreaterThan(350);
    expect(roots.length).toBeLessThan(650);
    expect(exporter.spans.filter((span) => span.name === 'child')).toHaveLength(roots.length);
  });
});
