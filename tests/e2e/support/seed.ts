/** Seeds a live server through its REST API only, as a user's scripts would. */
export class Seeder {
  constructor(readonly url: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async experiment(name: string): Promise<string> {
    const answer = await this.call<{ experiment_id: string }>(
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { name },
    );
    return answer.experiment_id;
  }

  async run(
    experimentId: string,
    name: string,
    data: {
      params?: Record<string, string>;
      metrics?: Record<string, number[]>;
      tags?: Record<string, string>;
      startTime?: number;
    } = {},
  ): Promise<string> {
    const start = data.startTime ?? Date.now() - 60_000;
    const { run } = await this.call<{ run: { info: { run_id: string } } }>(
      'POST',
      '/api/2.0/mlflow/runs/create',
      {
        experiment_id: experimentId,
        run_name: name,
        start_time: start,
      },
    );
    const runId = run.info.run_id;
    const metrics = Object.entries(data.metrics ?? {}).flatMap(([key, values]) =>
      values.map((value, step) => ({ key, value, step, timestamp: start + step * 1000 })),
    );
    await this.call('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      params: Object.entries(data.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: Object.entries(data.tags ?? {}).map(([key, value]) => ({ key, value })),
      metrics,
    });
    await this.call('POST', '/api/2.0/mlflow/runs/update', {
      run_id: runId,
      status: 'FINISHED',
      end_time: start + 42_000,
    });
    return runId;
  }

  async artifact(runId: string, path: string, content: string | Uint8Array): Promise<void> {
    const query = new URLSearchParams({ run_uuid: runId, path });
    const response = await fetch(`${this.url}/ajax-api/2.0/mlflow/upload-artifact?${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: content,
    });
    if (!response.ok)
      throw new Error(`upload ${path}: ${response.status} ${await response.text()}`);
  }

  /** Sends spans as OTLP/JSON; attributes given as plain values. */
  async spans(
    experimentId: string,
    spans: {
      traceId: string;
      spanId: string;
      parentSpanId?: string;
      name: string;
      startNs: bigint;
      endNs: bigint;
      error?: boolean;
      attributes?: Record<string, string | number>;
    }[],
  ): Promise<void> {
    const value = (item: string | number) =>
      typeof item === 'string'
        ? { stringValue: item }
        : Number.isInteger(item)
          ? { intValue: String(item) }
          : { doubleValue: item };
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e' } }] },
          scopeSpans: [
            {
              scope: { name: 'e2e' },
              spans: spans.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: 1,
                startTimeUnixNano: span.startNs.toString(),
                endTimeUnixNano: span.endNs.toString(),
                attributes: Object.entries(span.attributes ?? {}).map(([key, item]) => ({
                  key,
                  value: value(item),
                })),
                status: {
                  code: span.error ? 2 : 1,
                  ...(span.error ? { message: 'tool timed out' } : {}),
                },
              })),
            },
          ],
        },
      ],
    };
    const response = await fetch(`${this.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-mlflow-experiment-id': experimentId },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`otlp: ${response.status} ${await response.text()}`);
  }
}

/** A hex id of the given byte length, from a counter (deterministic and unique). */
export function hexId(bytes: number, counter: number): string {
  return counter.toString(16).padStart(bytes * 2, '0');
}
