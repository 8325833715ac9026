import { type MetricSpec, resolveMetricSpec } from '@cairn/evaluation';
import type { ChatModel } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { cairnRoute } from '../http/cairn-route.js';
import type { RequestInput } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import type { Storage } from '../storage/index.js';
import { searchTraceIds } from '../tracing/index.js';
import type { OnlineRuleChanges, OnlineRuleStore } from './online-rule-store.js';

// Checks judge metric specs without calling anything: the real judge is resolved when scoring.
const checkingJudge: ChatModel = {
  chat: () => Promise.reject(new Error('not called')),
};

function metricsOf(input: RequestInput, required: boolean): MetricSpec[] | undefined {
  const metrics = input.metrics;
  if (metrics === undefined || metrics === null) {
    if (required) throw missingParameter('metrics');
    return undefined;
  }
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw invalidParameter(
      "Parameter 'metrics' must be a non-empty list of metric names or specs.",
    );
  }
  for (const [index, spec] of metrics.entries()) {
    if (typeof spec !== 'string' && (spec === null || typeof spec !== 'object')) {
      throw invalidParameter(`metrics[${index}] must be a metric name or an object with a name.`);
    }
    const judge = typeof spec === 'object' ? (spec as { judge?: unknown }).judge : undefined;
    if (
      judge !== undefined &&
      (typeof judge !== 'string' || !/^(openai|gateway):\/{1,2}.+/.test(judge))
    ) {
      throw invalidParameter(
        `metrics[${index}].judge must be 'gateway:/<route>' or 'openai:/<model>'.`,
      );
    }
    try {
      resolveMetricSpec(spec as MetricSpec, judge ? { judge: checkingJudge } : {});
    } catch (error) {
      throw invalidParameter(`metrics[${index}]: ${(error as Error).message}`);
    }
  }
  return metrics as MetricSpec[];
}

function optionalNumber(fields: RequestFields, name: string): number | undefined {
  const value = fields.optionalString(name);
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw invalidParameter(`Invalid value '${value}' for parameter '${name}'.`);
  return number;
}

/**
 * Online scoring rules under `/api/2.0/cairn/evaluations/online-rules/...`: create, get, list,
 * update, delete. Filters and metric specs are checked when a rule is written, not when scored.
 */
export function registerOnlineRuleRoutes(
  app: FastifyInstance,
  store: OnlineRuleStore,
  storage: Storage,
): void {
  const checkFilter = async (experimentId: number, filter: string | undefined) => {
    if (filter)
      await searchTraceIds(storage, { experimentIds: [experimentId], filter, maxResults: 1 });
  };
  const base = '/evaluations/online-rules';

  cairnRoute(app, 'POST', `${base}/create`, async (input) => {
    const fields = new RequestFields(input);
    const experimentId = Number(fields.requiredString('experiment_id'));
    if (!Number.isSafeInteger(experimentId)) throw invalidParameter('Invalid experiment_id.');
    const filterString = fields.optionalString('filter_string');
    await checkFilter(experimentId, filterString);
    const budget = optionalNumber(fields, 'daily_judge_budget_usd');
    const callLimit = optionalNumber(fields, 'daily_judge_call_limit');
    const startFrom = optionalNumber(fields, 'start_from_ms');
    const enabled = fields.optionalBoolean('enabled');
    const rule = await store.create({
      experimentId,
      name: fields.requiredString('name'),
      sampleRate: optionalNumber(fields, 'sample_rate') ?? 1,
      metrics: metricsOf(input, true)!,
      ...(filterString ? { filterString } : {}),
      ...(enabled === undefined ? {} : { enabled }),
      ...(budget === undefined ? {} : { dailyJudgeBudgetUsd: budget }),
      ...(callLimit === undefined ? {} : { dailyJudgeCallLimit: Math.floor(callLimit) }),
      ...(startFrom === undefined ? {} : { startFromMs: startFrom }),
    });
    return { rule };
  });

  cairnRoute(app, 'GET', `${base}/get`, async (input) => {
    const fields = new RequestFields(input);
    return { rule: await store.get(fields.requiredString('rule_id')) };
  });

  cairnRoute(app, 'GET', `${base}/list`, async (input) => {
    const fields = new RequestFields(input);
    const experimentId = fields.optionalString('experiment_id');
    return { rules: await store.list(experimentId ? Number(experimentId) : undefined) };
  });

  cairnRoute(app, ['POST', 'PATCH'], `${base}/update`, async (input) => {
    const fields = new RequestFields(input);
    const ruleId = fields.requiredString('rule_id');
    const current = await store.get(ruleId);
    const changes: OnlineRuleChanges = {};
    const name = fields.optionalString('name');
    if (name) changes.name = name;
    const rate = optionalNumber(fields, 'sample_rate');
    if (rate !== undefined) changes.sampleRate = rate;
    if (fields.has('filter_string')) {
      const filter = fields.optionalString('filter_string') ?? '';
      await checkFilter(Number(current.experiment_id), filter);
      changes.filterString = filter;
    }
    const metrics = metricsOf(input, false);
    if (metrics) changes.metrics = metrics;
    const enabled = fields.optionalBoolean('enabled');
    if (enabled !== undefined) changes.enabled = enabled;
    if (fields.has('daily_judge_budget_usd')) {
      changes.dailyJudgeBudgetUsd = optionalNumber(fields, 'daily_judge_budget_usd') ?? null;
    }
    if (fields.has('daily_judge_call_limit')) {
      const limit = optionalNumber(fields, 'daily_judge_call_limit');
      changes.dailyJudgeCallLimit = limit === undefined ? null : Math.floor(limit);
    }
    return { rule: await store.update(ruleId, changes) };
  });

  cairnRoute(app, ['POST', 'DELETE'], `${base}/delete`, async (input) => {
    const fields = new RequestFields(input);
    await store.delete(fields.requiredString('rule_id'));
    return {};
  });
}
