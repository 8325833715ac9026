import { createHash, randomBytes } from 'node:crypto';
import {
  type EvalRow,
  isJudgeMetricSpec,
  type JudgeSettings,
  type Metric,
  type MetricSpec,
  resolveMetricSpec,
  runEvaluation,
} from '@cairn/evaluation';
import type { Storage } from '../storage/index.js';
import { type AssessmentStore, searchTraceIds } from '../tracing/index.js';
import type { OnlineRuleStore } from './online-rule-store.js';
import { loadTraceContents, type TraceContent, traceText } from './trace-content.js';

/** Settings of the background scorer. */
export interface OnlineScorerOptions {
  /** How often rules are checked for new traces (default 5 s). */
  intervalMs?: number;
  /** Traces scored per chunk; budgets are re-checked between chunks (default 8). */
  chunkSize?: number;
  /** Judge calls in flight per metric (default 4). */
  judgeConcurrency?: number;
  judgeTimeoutMs?: number;
  /** Traces still IN_PROGRESS younger than this hold the watermark back (default 10 min). */
  inProgressGraceMs?: number;
  /** Where judge URIs point. */
  judgeSettings?: JudgeSettings;
  /** Reports failures (the app's logger). */
  onError?: (message: string, error: unknown) => void;
}

const leaseMs = 120_000;
const pageSize = 200;

/** The UTC day of `ms`, the unit of judge budgets. */
function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Deterministic sampling: the same trace is always in or out of a rule's sample. */
function sampled(ruleId: string, traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  const hash = createHash('sha256').update(`${ruleId}:${traceId}`).digest();
  return hash.readUInt32BE(0) / 2 ** 32 < rate;
}

function after(ms: number, id: string, watermarkMs: number, watermarkId: string): boolean {
  return ms > watermarkMs || (ms === watermarkMs && id > watermarkId);
}

/**
 * Scores new production traces with each enabled online rule in the background: picks completed
 * traces after the rule's watermark that match its filter, samples them, computes the rule's
 * metrics on the root span's request and response, and stores each score as a feedback
 * assessment (source CODE, or LLM_JUDGE with the judge's URI). A lease keeps replicas from
 * scoring one rule twice; judge metrics stop for the day when the rule's budget is spent.
 */
export class OnlineScorer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly owner = `scorer-${randomBytes(8).toString('hex')}`;
  private readonly intervalMs: number;

  constructor(
    private readonly storage: Storage,
    private readonly rules: OnlineRuleStore,
    private readonly assessments: AssessmentStore,
    private readonly clock: () => number,
    private readonly options: OnlineScorerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  /** Starts the periodic scoring. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.tick().finally(() => {
          this.running = undefined;
        });
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops scoring and waits for the pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over every enabled rule; never throws. */
  async tick(): Promise<void> {
    let ruleIds: string[];
    try {
      ruleIds = await this.rules.enabledRuleIds();
    } catch (error) {
      this.options.onError?.('online scoring: cannot list rules', error);
      return;
    }
    for (const ruleId of ruleIds) {
      try {
        if (!(await this.rules.claim(ruleId, this.owner, this.clock() + leaseMs))) continue;
        try {
          await this.scoreRule(ruleId);
        } finally {
          await this.rules.release(ruleId, this.owner);
        }
      } catch (error) {
        this.options.onError?.(`online scoring of rule ${ruleId} failed`, error);
      }
    }
  }

  private async scoreRule(ruleId: string): Promise<void> {
    const rule = await this.rules.row(ruleId);
    const specs = JSON.parse(rule.metrics) as MetricSpec[];
    const codeMetrics: Metric[] = [];
    const judgeMetrics: Metric[] = [];
    const judgeSources = new Map<string, string>();
    let lastError: string | null = null;
    for (const spec of specs) {
      try {
        const metric = resolveMetricSpec(spec, {
          ...(this.options.judgeSettings ? { judgeSettings: this.options.judgeSettings } : {}),
          judgeConcurrency: this.options.judgeConcurrency ?? 4,
          ...(this.options.judgeTimeoutMs ? { judgeTimeoutMs: this.options.judgeTimeoutMs } : {}),
        });
        if (isJudgeMetricSpec(spec)) {
          judgeMetrics.push(metric);
          const judge =
            typeof spec === 'object' && typeof spec.judge === 'string' ? spec.judge : 'judge';
          judgeSources.set(metric.name, judge);
        } else {
          codeMetrics.push(metric);
        }
      } catch (error) {
        lastError = `metric ${typeof spec === 'string' ? spec : spec.name}: ${(error as Error).message}`;
      }
    }

    const now = this.clock();
    const today = dayOf(now);
    let spend = rule.budget_day === today ? Number(rule.judge_spend_usd) : 0;
    let calls = rule.budget_day === today ? Number(rule.judge_calls) : 0;
    let watermarkMs = Number(rule.watermark_ms);
    let watermarkId = rule.watermark_id;
    const grace = this.options.inProgressGraceMs ?? 600_000;
    const chunkSize = this.options.chunkSize ?? 8;

    const filter = [rule.filter_string, `trace.timestamp_ms >= ${watermarkMs}`]
      .filter(Boolean)
      .join(' AND ');
    let pageToken: string | undefined;
    let blocked = false;
    do {
      const page = await searchTraceIds(this.storage, {
        experimentIds: [Number(rule.experiment_id)],
        filter,
        orderBy: ['timestamp_ms ASC', 'request_id ASC'],
        maxResults: pageSize,
        ...(pageToken ? { pageToken } : {}),
      });
      pageToken = page.nextPageToken;
      const traces = await loadTraceContents(this.storage, page.requestIds);
      const ready: TraceContent[] = [];
      let lastReady: { ms: number; id: string } | undefined;
      for (const trace of traces) {
        if (!after(trace.timestampMs, trace.traceId, watermarkMs, watermarkId)) continue;
        if (trace.status === 'IN_PROGRESS' && now - trace.timestampMs < grace) {
          blocked = true;
          break;
        }
        if (
          trace.status !== 'IN_PROGRESS' &&
          sampled(rule.rule_id, trace.traceId, rule.sample_rate)
        ) {
          ready.push(trace);
        }
        lastReady = { ms: trace.timestampMs, id: trace.traceId };
      }
      for (let start = 0; start < ready.length; start += chunkSize) {
        const chunk = ready.slice(start, start + chunkSize);
        const overBudget =
          (rule.daily_judge_budget_usd !== null && spend >= rule.daily_judge_budget_usd) ||
          (rule.daily_judge_call_limit !== null &&
            calls + chunk.length > rule.daily_judge_call_limit);
        if (overBudget && judgeMetrics.length > 0) {
          lastError = `judge budget for ${today} is spent; judge metrics paused until tomorrow`;
        }
        const metrics = overBudget ? codeMetrics : [...codeMetrics, ...judgeMetrics];
        const usage = await this.scoreChunk(rule.rule_id, rule.name, chunk, metrics, judgeSources);
        spend += usage.costUsd;
        calls += usage.calls;
        const last = chunk[chunk.length - 1]!;
        watermarkMs = last.timestampMs;
        watermarkId = last.traceId;
        await this.rules.progress(rule.rule_id, this.owner, {
          watermarkMs,
          watermarkId,
          scored: chunk.length,
          day: today,
          judgeSpendUsd: spend,
          judgeCalls: calls,
          lastError,
        });
      }
      // Traces passed over (sampled out, or stuck in progress too long) still move the watermark.
      if (lastReady && after(lastReady.ms, lastReady.id, watermarkMs, watermarkId)) {
        watermarkMs = lastReady.ms;
        watermarkId = lastReady.id;
      }
      // A pass that found nothing new leaves the rule as it was (its last error included).
      if (!lastReady) continue;
      await this.rules.progress(rule.rule_id, this.owner, {
        watermarkMs,
        watermarkId,
        scored: 0,
        day: today,
        judgeSpendUsd: spend,
        judgeCalls: calls,
        lastError,
      });
    } while (pageToken && !blocked);
  }

  private async scoreChunk(
    ruleId: string,
    ruleName: string,
    traces: readonly TraceContent[],
    metrics: readonly Metric[],
    judgeSources: ReadonlyMap<string, string>,
  ): Promise<{ costUsd: number; calls: number }> {
    if (metrics.length === 0 || traces.length === 0) return { costUsd: 0, calls: 0 };
    const rows: EvalRow[] = traces.map((trace) => ({
      inputs: traceText(trace.request, 'request') ?? null,
      predictions: traceText(trace.response, 'response') ?? null,
      latency: trace.executionTimeMs === null ? null : trace.executionTimeMs / 1000,
      trace_id: trace.traceId,
    }));
    const result = await runEvaluation({ rows, metrics });
    let costUsd = 0;
    let calls = 0;
    for (const metricResult of result.metricResults) {
      const judge = judgeSources.get(metricResult.name);
      for (const [index, row] of metricResult.rows.entries()) {
        if (row.judgeUsage) {
          calls++;
          costUsd += row.judgeUsage.costUsd ?? 0;
        }
        const feedback = row.error
          ? { error: { error_code: row.error.kind, error_message: row.error.message } }
          : { value: row.score };
        await this.assessments.create(traces[index]!.traceId, {
          assessment_name: metricResult.name,
          source: judge
            ? { source_type: 'LLM_JUDGE', source_id: judge }
            : { source_type: 'CODE', source_id: 'cairn.online-evaluation' },
          feedback,
          ...(row.rationale ? { rationale: row.rationale } : {}),
          metadata: { 'cairn.online_rule_id': ruleId, 'cairn.online_rule': ruleName },
        });
      }
    }
    return { costUsd, calls };
  }
}
