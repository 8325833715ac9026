import { compareEvaluations, evaluateGateRules, parseGateRule } from '@cairn/evaluation';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { invalidParameter } from '../errors.js';
import { cairnRoute } from '../http/cairn-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import { loadRunEvaluation } from './run-evaluation-loader.js';

function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/**
 * Comparison of two evaluation runs for the UI (`GET /api/2.0/cairn/evaluations/compare`) and a
 * gate check (`POST /api/2.0/cairn/evaluations/gate`), the same computations as the CLI's.
 */
export function registerComparisonRoutes(app: FastifyInstance, context: AppContext): void {
  cairnRoute(app, 'GET', '/evaluations/compare', async (input) => {
    const fields = new RequestFields(input);
    const baselineId = fields.requiredString('baseline_run_id');
    const candidateId = fields.requiredString('candidate_run_id');
    const alpha = Number(fields.optionalString('alpha') ?? 0.05);
    if (!(alpha > 0 && alpha < 1)) throw invalidParameter('alpha must be between 0 and 1.');
    const [baseline, candidate] = await Promise.all([
      loadRunEvaluation(context.storage, context.artifacts, baselineId),
      loadRunEvaluation(context.storage, context.artifacts, candidateId),
    ]);
    const comparison = compareEvaluations(
      { table: baseline.table, greaterIsBetter: baseline.greaterIsBetter },
      { table: candidate.table, greaterIsBetter: candidate.greaterIsBetter },
      { alpha, maxRegressions: fields.optionalInteger('max_regressions') ?? 20 },
    );
    return {
      baseline_run_id: baselineId,
      candidate_run_id: candidateId,
      paired_by: comparison.pairedBy,
      metrics: comparison.metrics.map((metric) => ({
        metric: metric.metric,
        greater_is_better: metric.greaterIsBetter,
        baseline_mean: finiteOrNull(metric.baselineMean),
        candidate_mean: finiteOrNull(metric.candidateMean),
        delta: finiteOrNull(metric.delta),
        paired_count: metric.pairedCount,
        ci_low: finiteOrNull(metric.ciLow),
        ci_high: finiteOrNull(metric.ciHigh),
        p_value: finiteOrNull(metric.pValue),
        verdict: metric.verdict,
        regressed_rows: metric.regressedRows,
        improved_rows: metric.improvedRows,
      })),
      regressions: comparison.regressions.map((regression) => ({
        metric: regression.metric,
        key: regression.key,
        row_index: regression.rowIndex,
        baseline: regression.baseline,
        candidate: regression.candidate,
        delta: regression.delta,
        baseline_prediction: regression.baselinePrediction ?? null,
        candidate_prediction: regression.candidatePrediction ?? null,
      })),
    };
  });

  cairnRoute(app, 'POST', '/evaluations/gate', async (input) => {
    const fields = new RequestFields(input);
    const sources = fields.stringList('rules');
    if (sources.length === 0) throw missingParameter('rules');
    let rules: ReturnType<typeof parseGateRule>[];
    try {
      rules = sources.map(parseGateRule);
    } catch (error) {
      throw invalidParameter((error as Error).message);
    }
    const candidate = await loadRunMetrics(fields.requiredString('candidate_run_id'));
    const baselineId = fields.optionalString('baseline_run_id');
    const baseline = baselineId ? await loadRunMetrics(baselineId) : undefined;
    const results = evaluateGateRules(rules, candidate, baseline);
    return {
      passed: results.every((result) => result.passed),
      results: results.map((result) => ({
        rule: result.rule.source,
        passed: result.passed,
        ...(result.actual === undefined ? {} : { actual: result.actual }),
        ...(result.expected === undefined ? {} : { expected: result.expected }),
        ...(result.baseline === undefined ? {} : { baseline: result.baseline }),
        ...(result.reason ? { reason: result.reason } : {}),
      })),
    };
  });

  async function loadRunMetrics(runId: string): Promise<Record<string, number>> {
    const run = await context.storage.db
      .selectFrom('runs')
      .select('run_uuid')
      .where('run_uuid', '=', runId)
      .executeTakeFirst();
    if (!run) throw invalidParameter(`Run with id=${runId} not found`);
    const rows = await context.storage.db
      .selectFrom('latest_metrics')
      .select(['key', 'value', 'is_nan'])
      .where('run_uuid', '=', runId)
      .execute();
    return Object.fromEntries(
      rows.map((row) => [row.key, row.is_nan ? Number.NaN : Number(row.value)]),
    );
  }
}
