import type { JudgeSettings } from '@cairn/evaluation';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AssessmentStore } from '../tracing/index.js';
import { registerComparisonRoutes } from './comparison-routes.js';
import { registerDatasetRoutes } from './dataset-routes.js';
import { DatasetStore } from './dataset-store.js';
import { registerOnlineRuleRoutes } from './online-rule-routes.js';
import { OnlineRuleStore } from './online-rule-store.js';
import { OnlineScorer, type OnlineScorerOptions } from './online-scorer.js';

export type { DatasetJson, DatasetRecordInput } from './dataset-store.js';
export { type OnlineRuleJson, OnlineRuleStore } from './online-rule-store.js';
export { OnlineScorer, type OnlineScorerOptions } from './online-scorer.js';

/** Options of the evaluation domain. */
export interface EvaluationOptions {
  /** Where judge URIs of online rules point (CAIRN_GATEWAY_URL, OPENAI_BASE_URL, …). */
  judgeSettings?: JudgeSettings;
  /** Background scorer settings; `false` leaves it off (tests drive it themselves). */
  scorer?: Omit<OnlineScorerOptions, 'judgeSettings' | 'onError'> | false;
}

/**
 * Registers evaluation: datasets, run comparison and gates, online scoring rules, and starts
 * the background online scorer (stopped when the app closes). Returns the scorer so callers may
 * run a pass on demand.
 */
export function registerEvaluationRoutes(
  app: FastifyInstance,
  context: AppContext,
  options: EvaluationOptions = {},
): OnlineScorer {
  const assessments = new AssessmentStore(context.storage, context.clock);
  const datasets = new DatasetStore(context.storage, context.clock);
  const rules = new OnlineRuleStore(context.storage, context.clock);
  registerDatasetRoutes(app, datasets, context.storage, assessments);
  registerComparisonRoutes(app, context);
  registerOnlineRuleRoutes(app, rules, context.storage);
  const scorer = new OnlineScorer(context.storage, rules, assessments, context.clock, {
    ...(options.scorer || {}),
    ...(options.judgeSettings ? { judgeSettings: options.judgeSettings } : {}),
    onError: (message, error) => app.log.warn({ err: error }, message),
  });
  if (options.scorer !== false) {
    app.addHook('onReady', async () => scorer.start());
  }
  app.addHook('onClose', async () => scorer.stop());
  return scorer;
}
