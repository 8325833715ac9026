import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { Span } from '../api/types';
import { FeedbackPanel } from '../components/feedback-panel';
import { Stat } from '../components/llm-call-view';
import { SpanDetails } from '../components/span-details';
import { Async, Empty, ErrorState, Loading } from '../components/states';
import { Waterfall } from '../components/waterfall';
import { formatCost, formatDuration, formatNumber, formatTime } from '../lib/format';
import { getExperiment } from '../lib/runs';
import { visibleRows } from '../lib/span-tree';
import { getTrace, sessionKey, spanPage, userKey } from '../lib/traces';
import { useApi } from '../lib/use-api';
import { StatusBadge } from './runs-page';

/** Spans loaded without asking; bigger traces page on with "Load more spans". */
const autoLoadSpans = 20_000;

/** One trace: roll-ups, span tree with waterfall, span details and feedback; spans load in pages. */
export default function TracePage() {
  const { traceId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const trace = useApi(() => getTrace(traceId), [traceId]);
  const [spans, setSpans] = useState<{
    list: Span[];
    next?: string;
    error?: unknown;
    loading: boolean;
  }>({
    list: [],
    loading: true,
  });
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());

  const loadPage = useCallback(
    (pageToken?: string) => {
      setSpans((previous) => ({ ...previous, loading: true }));
      // A small first page shows the trace at once; later pages are larger.
      spanPage(traceId, pageToken, pageToken ? 2000 : 500).then(
        (page) =>
          setSpans((previous) => ({
            list: pageToken ? [...previous.list, ...page.spans] : page.spans,
            next: page.nextPageToken,
            loading: false,
          })),
        (error: unknown) => setSpans((previous) => ({ ...previous, error, loading: false })),
      );
    },
    [traceId],
  );
  useEffect(() => loadPage(), [loadPage]);
  // Keep paging in the background up to a size a browser handles well; past it, on request.
  useEffect(() => {
    if (spans.next && !spans.loading && !spans.error && spans.list.length < autoLoadSpans)
      loadPage(spans.next);
  }, [spans, loadPage]);

  const rows = useMemo(() => visibleRows(spans.list, collapsed), [spans.list, collapsed]);
  const bounds = useMemo(() => {
    let start: bigint | undefined;
    let end = 0n;
    for (const span of spans.list) {
      const spanStart = BigInt(span.start_time_ns);
      const spanEnd = BigInt(span.end_time_ns ?? span.start_time_ns);
      if (start === undefined || spanStart < start) start = spanStart;
      if (spanEnd > end) end = spanEnd;
    }
    return { start: start ?? 0n, total: start === undefined ? 0 : Number(end - start) };
  }, [spans.list]);
  const selectedId = params.get('span') ?? rows[0]?.span.span_id;
  const selected = spans.list.find((span) => span.span_id === selectedId);
  const select = (spanId: string) => {
    const next = new URLSearchParams(params);
    next.set('span', spanId);
    setParams(next, { replace: true });
  };
  const toggle = (spanId: string) =>
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (next.has(spanId)) next.delete(spanId);
      else next.add(spanId);
      return next;
    });

  return (
    <Async state={trace}>
      {(info) => (
        <div>
          <div className="muted">
            <Link to="/experiments">Experiments</Link> / <ExperimentLink info={info} /> /
          </div>
          <h1 className="row">
            {info.name ?? info.trace_id} <StatusBadge status={info.state} />
          </h1>
          <div className="row panel" style={{ gap: 28, marginBottom: 14 }}>
            <Stat label="started" value={formatTime(info.timestamp_ms)} />
            <Stat
              label="latency"
              // MLflow keeps whole milliseconds; a sub-millisecond trace shows its spans' extent.
              value={formatDuration(
                info.execution_time_ms === 0 && bounds.total > 0
                  ? bounds.total / 1e6
                  : info.execution_time_ms,
              )}
            />
            <Stat label="spans" value={formatNumber(info.span_count)} />
            <Stat label="tokens" value={formatNumber(info.usage.total_tokens)} />
            <Stat label="cost" value={formatCost(info.cost)} />
            <Stat label="user" value={info.trace_metadata[userKey] ?? '—'} />
            <Stat label="session" value={info.trace_metadata[sessionKey] ?? '—'} />
            {(info.usage_by_model ?? []).map((usage) => (
              <Stat
                key={usage.model}
                label={usage.model}
                value={`${formatNumber(usage.total_tokens)} tok`}
              />
            ))}
          </div>
          <div
            className="split"
            style={{
              gridTemplateColumns: 'minmax(0, 1.1fr) minmax(0, 1fr)',
              height: 'calc(100vh - 290px)',
              minHeight: 420,
            }}
          >
            <div style={{ display: 'flex', flexDirection: 'column', minHeight: 0, gap: 8 }}>
              {spans.error ? (
                <ErrorState error={spans.error} retry={() => loadPage()} />
              ) : spans.list.length === 0 ? (
                spans.loading ? (
                  <Loading label="Loading spans…" />
                ) : (
                  <Empty title="No spans">This trace has no spans stored.</Empty>
                )
              ) : (
                <div style={{ flex: 1, minHeight: 0 }}>
                  <Waterfall
                    rows={rows}
                    startNs={bounds.start}
                    totalNs={bounds.total}
                    selected={selectedId}
                    collapsed={collapsed}
                    onSelect={select}
                    onToggle={toggle}
                  />
                </div>
              )}
              <div className="row muted" style={{ minHeight: 30 }}>
                <span data-testid="span-count">
                  {spans.list.length.toLocaleString()} of {info.span_count.toLocaleString()} spans
                  loaded
                </span>
                {spans.next && (
                  <button
                    type="button"
                    disabled={spans.loading}
                    onClick={() => loadPage(spans.next)}
                  >
                    Load more spans
                  </button>
                )}
              </div>
            </div>
            <div
              style={{
                overflow: 'auto',
                minHeight: 0,
                display: 'grid',
                gap: 14,
                alignContent: 'start',
              }}
            >
              <div className="panel">
                {selected ? <SpanDetails span={selected} /> : <Empty title="Pick a span" />}
              </div>
              <FeedbackPanel traceId={info.trace_id} />
            </div>
          </div>
        </div>
      )}
    </Async>
  );
}

function ExperimentLink({
  info,
}: {
  info: { trace_location?: { mlflow_experiment?: { experiment_id?: string } } };
}) {
  const experimentId = info.trace_location?.mlflow_experiment?.experiment_id;
  // The experiment's name, once known; its traces are one click away either way.
  const experiment = useApi(
    async () => (experimentId ? getExperiment(experimentId) : undefined),
    [experimentId],
  );
  if (!experimentId) return <span>Traces</span>;
  return (
    <Link to={`/experiments/${experimentId}/traces`}>
      {experiment.data ? `${experiment.data.name} traces` : 'Traces'}
    </Link>
  );
}
