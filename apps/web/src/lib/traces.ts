import { api, cairn, mlflow3 } from '../api/client';
import type { Assessment, Span, Trace } from '../api/types';

/** Metadata keys the server stores a trace's user and session under. */
export const userKey = 'mlflow.trace.user';
export const sessionKey = 'mlflow.trace.session';

/** Quotes a value for the trace filter language. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "\\'")}'`;
}

/** One page of trace search with Cairn's roll-ups (tokens, cost, span count). */
export async function searchTraces(request: {
  experimentId: string;
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}): Promise<{ traces: Trace[]; nextPageToken?: string }> {
  const answer = await api.get<{ traces?: Trace[]; next_page_token?: string }>(
    `${cairn}/traces/search`,
    {
      experiment_ids: [request.experimentId],
      filter: request.filter || undefined,
      order_by: request.orderBy ?? ['timestamp_ms DESC'],
      max_results: request.maxResults ?? 100,
      page_token: request.pageToken,
    },
  );
  return { traces: answer.traces ?? [], nextPageToken: answer.next_page_token };
}

/** One trace with usage by model. */
export async function getTrace(traceId: string): Promise<Trace> {
  return (await api.get<{ trace: Trace }>(`${cairn}/traces/${encodeURIComponent(traceId)}`)).trace;
}

/** One page of a trace's spans, in start order. */
export async function spanPage(traceId: string, pageToken?: string, maxResults = 1000) {
  const answer = await api.get<{ spans?: Span[]; next_page_token?: string }>(
    `${cairn}/traces/${encodeURIComponent(traceId)}/spans`,
    { max_results: maxResults, page_token: pageToken },
  );
  return { spans: answer.spans ?? [], nextPageToken: answer.next_page_token };
}

/** A trace's assessments (feedback and expectations), from MLflow 3's trace info. */
export async function getAssessments(traceId: string): Promise<Assessment[]> {
  const answer = await api.get<{ trace: { trace_info?: { assessments?: Assessment[] } } }>(
    `${mlflow3}/traces/${encodeURIComponent(traceId)}`,
  );
  return answer.trace.trace_info?.assessments ?? [];
}

/** Records a person's thumbs up/down and comment as a feedback assessment. */
export async function logFeedback(
  traceId: string,
  thumbsUp: boolean,
  comment: string,
): Promise<void> {
  await api.post(`${mlflow3}/traces/${encodeURIComponent(traceId)}/assessments`, {
    assessment: {
      trace_id: traceId,
      assessment_name: 'user_feedback',
      feedback: { value: thumbsUp },
      ...(comment ? { rationale: comment } : {}),
      source: { source_type: 'HUMAN', source_id: 'cairn-ui' },
    },
  });
}

/**
 * Makes a request/response preview readable: a JSON string loses its quotes and an object with
 * one text field shows that text; anything else stays as it was stored.
 */
export function previewText(preview: string | undefined): string {
  if (!preview) return '—';
  try {
    const value: unknown = JSON.parse(preview);
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const texts = Object.values(value).filter((item) => typeof item === 'string');
      if (texts.length === 1 && Object.keys(value).length === 1) return texts[0] as string;
    }
  } catch {
    // Previews are often cut mid-JSON; show them as they are.
  }
  return preview;
}
