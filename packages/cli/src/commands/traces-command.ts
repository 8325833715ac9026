import { createWriteStream } from 'node:fs';
import { type Command, Option } from 'commander';
import { parsePositiveInteger } from './option-parsers.js';
import { formatTimestamp, printJson, printLine, renderTable } from './output-format.js';
import { type CairnSpan, toOtlpJson } from './traces-otlp-json.js';
import { resolveTrackingUri, trackingUriOption } from './tracking-client.js';

interface TraceSummary {
  trace_id: string;
  name: string | null;
  state: string;
  timestamp_ms: number;
  execution_time_ms: number | null;
  span_count: number;
  usage: { total_tokens: number };
  cost: number;
  trace_metadata: Record<string, string>;
}

/** Calls the tracking server's JSON API; failures become one line naming the server and the cause. */
async function callServer<T>(trackingUri: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${trackingUri}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(
      `cannot reach the tracking server at ${trackingUri} (${(error as Error).message}); is it running? Pass --tracking-uri.`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: show the text.
    }
    throw new Error(`${trackingUri} answered ${response.status}: ${message}`);
  }
  return JSON.parse(text) as T;
}

async function searchAll(
  uri: string,
  query: { experimentIds: string[]; filter?: string; orderBy?: string[]; maxResults?: number },
): Promise<TraceSummary[]> {
  const traces: TraceSummary[] = [];
  let pageToken: string | undefined;
  do {
    const wanted = query.maxResults ? query.maxResults - traces.length : 1000;
    const page = await callServer<{ traces: TraceSummary[]; next_page_token?: string }>(
      uri,
      '/api/2.0/cairn/traces/search',
      {
        experiment_ids: query.experimentIds,
        filter: query.filter,
        order_by: query.orderBy,
        max_results: Math.min(wanted, 1000),
        page_token: pageToken,
      },
    );
    traces.push(...page.traces);
    pageToken = page.next_page_token;
  } while (pageToken && (!query.maxResults || traces.length < query.maxResults));
  return traces;
}

async function allSpans(uri: string, traceId: string): Promise<CairnSpan[]> {
  const spans: CairnSpan[] = [];
  let pageToken: string | undefined;
  do {
    const query = `max_results=5000${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
    const page = await callServer<{ spans: CairnSpan[]; next_page_token?: string }>(
      uri,
      `/api/2.0/cairn/traces/${encodeURIComponent(traceId)}/spans?${query}`,
    );
    spans.push(...page.spans);
    pageToken = page.next_page_token;
  } while (pageToken);
  return spans;
}

const outputOption = () =>
  new Option('--output <format>', 'output format').choices(['table', 'json']).default('table');

/** `cairn traces search|get|export`: find traces, show one with its span tree, export them. */
export function tracesCommand(program: Command): void {
  const traces = program.command('traces').description('Search, show and export traces.');

  traces
    .command('search')
    .description(
      'Search traces, newest first. Filters use MLflow trace syntax, e.g.\n' +
        "  cairn traces search -x 1 --filter \"metadata.`mlflow.trace.session` = 's-1' AND trace.status = 'ERROR'\"",
    )
    .requiredOption('-x, --experiment-id <id...>', 'experiments to search')
    .option('--filter <filter>', 'trace filter (trace.*, tag.*, metadata.*, span.*, feedback.*)')
    .option('--order-by <clause...>', "sort keys, e.g. 'timestamp_ms DESC' 'cost DESC'")
    .option('--max-results <n>', 'show at most n traces (default 100)', parsePositiveInteger, 100)
    .addOption(outputOption())
    .addOption(trackingUriOption())
    .action(async (options) => {
      const uri = resolveTrackingUri(options.trackingUri);
      const found = await searchAll(uri, {
        experimentIds: options.experimentId,
        filter: options.filter,
        orderBy: options.orderBy,
        maxResults: options.maxResults,
      });
      if (options.output === 'json') return printJson(found);
      printLine(
        renderTable(
          [
            'trace_id',
            'name',
            'state',
            'start (UTC)',
            'ms',
            'spans',
            'tokens',
            'cost $',
            'session',
          ],
          found.map((trace) => [
            trace.trace_id,
            trace.name ?? '',
            trace.state,
            formatTimestamp(trace.timestamp_ms),
            trace.execution_time_ms ?? '',
            trace.span_count,
            trace.usage.total_tokens,
            trace.cost.toFixed(6),
            trace.trace_metadata['mlflow.trace.session'] ?? '',
          ]),
        ),
      );
    });

  traces
    .command('get <trace_id>')
    .description('Show one trace: its roll-ups by model and its span tree.')
    .addOption(outputOption())
    .addOption(trackingUriOption())
    .action(async (traceId: string, options) => {
      const uri = resolveTrackingUri(options.trackingUri);
      const { trace } = await callServer<{ trace: TraceSummary & { usage_by_model: unknown[] } }>(
        uri,
        `/api/2.0/cairn/traces/${encodeURIComponent(traceId)}`,
      );
      const spans = await allSpans(uri, traceId);
      if (options.output === 'json') return printJson({ trace, spans });
      printLine(
        `${trace.trace_id}  ${trace.name ?? ''}  ${trace.state}  ${trace.execution_time_ms ?? '?'} ms  ${trace.usage.total_tokens} tokens  $${trace.cost.toFixed(6)}`,
      );
      const children = new Map<string | null, CairnSpan[]>();
      const ids = new Set(spans.map((span) => span.span_id));
      for (const span of spans) {
        // Spans whose parent never arrived are shown at the top level.
        const parent =
          span.parent_span_id && ids.has(span.parent_span_id) ? span.parent_span_id : null;
        children.set(parent, [...(children.get(parent) ?? []), span]);
      }
      const rows: (string | number)[][] = [];
      const walk = (parent: string | null, depth: number) => {
        for (const span of children.get(parent) ?? []) {
          const durationMs =
            span.end_time_ns === null
              ? ''
              : (Number(BigInt(span.end_time_ns) - BigInt(span.start_time_ns)) / 1e6).toFixed(1);
          rows.push([`${'  '.repeat(depth)}${span.name}`, span.span_type, span.status, durationMs]);
          walk(span.span_id, depth + 1);
        }
      };
      walk(null, 0);
      printLine(renderTable(['span', 'type', 'status', 'ms'], rows));
    });

  traces
    .command('export [trace_ids...]')
    .description(
      'Export traces with all their spans as JSON lines (one trace per line) or as one OTLP JSON\n' +
        'ExportTraceServiceRequest; name traces, or select them with -x and --filter.',
    )
    .option('-x, --experiment-id <id...>', 'export the traces of these experiments')
    .option('--filter <filter>', 'trace filter, with --experiment-id')
    .option('--max-results <n>', 'export at most n traces', parsePositiveInteger)
    .addOption(
      new Option('--format <format>', 'file format').choices(['jsonl', 'otlp']).default('jsonl'),
    )
    .option('--out <file>', 'write to this file instead of standard output')
    .addOption(trackingUriOption())
    .action(async (traceIds: string[], options) => {
      const uri = resolveTrackingUri(options.trackingUri);
      const ids = [...traceIds];
      if (options.experimentId) {
        const found = await searchAll(uri, {
          experimentIds: options.experimentId,
          filter: options.filter,
          maxResults: options.maxResults,
        });
        ids.push(...found.map((trace) => trace.trace_id));
      }
      if (ids.length === 0)
        throw new Error('name trace ids, or select traces with --experiment-id.');
      const file = options.out ? createWriteStream(options.out) : undefined;
      const write = (text: string) =>
        file
          ? new Promise<void>((resolve, reject) =>
              file.write(text, (error) => (error ? reject(error) : resolve())),
            )
          : void process.stdout.write(text);
      const otlpSpans: CairnSpan[] = [];
      for (const id of ids) {
        const { trace } = await callServer<{ trace: unknown }>(
          uri,
          `/api/2.0/cairn/traces/${encodeURIComponent(id)}`,
        );
        const spans = await allSpans(uri, id);
        if (options.format === 'jsonl') await write(`${JSON.stringify({ trace, spans })}\n`);
        else otlpSpans.push(...spans);
      }
      if (options.format === 'otlp') await write(`${JSON.stringify(toOtlpJson(otlpSpans))}\n`);
      if (file) await new Promise<void>((resolve) => file.end(resolve));
    });
}
