import type { Storage } from '../storage/index.js';
import type { AssessmentStore } from '../tracing/index.js';
import type { DatasetRecordInput } from './dataset-store.js';
import { loadTraceContents, traceText } from './trace-content.js';

/**
 * Dataset records from production traces: the root span's inputs become the record's inputs;
 * the trace's valid expectation assessments become its expectations, or, when it has none, the
 * observed response becomes `expected_response` for a reviewer to confirm.
 */
export async function recordsFromTraces(
  storage: Storage,
  assessments: AssessmentStore,
  traceIds: readonly string[],
): Promise<DatasetRecordInput[]> {
  const traces = await loadTraceContents(storage, traceIds);
  const byTrace = await assessments.forTraces(traces.map((trace) => trace.traceId));
  return traces
    .filter((trace) => trace.request !== undefined && trace.request !== '')
    .map((trace) => {
      const expectations: Record<string, unknown> = {};
      for (const assessment of byTrace.get(trace.traceId) ?? []) {
        const expectation = assessment.expectation as { value?: unknown } | undefined;
        if (assessment.valid !== false && expectation && expectation.value !== undefined) {
          expectations[String(assessment.assessment_name)] = expectation.value;
        }
      }
      if (Object.keys(expectations).length === 0) {
        const response = traceText(trace.response, 'response');
        if (response !== undefined) expectations.expected_response = response;
      }
      return {
        inputs: trace.request,
        expectations,
        tags: { source_trace_id: trace.traceId },
        source: { source_type: 'TRACE', source_data: { trace_id: trace.traceId } },
      };
    });
}
