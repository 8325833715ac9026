import { randomBytes } from 'node:crypto';
import type { MetricSpec } from '@cairn/evaluation';
import type { Updateable } from 'kysely';
import { invalidParameter, resourceAlreadyExists, resourceDoesNotExist } from '../errors.js';
import type { Storage } from '../storage/index.js';
import type { EvalOnlineRulesTable } from '../storage/schema.js';

/** A scoring rule as the API answers it. */
export interface OnlineRuleJson {
  rule_id: string;
  experiment_id: string;
  name: string;
  sample_rate: number;
  filter_string?: string;
  metrics: MetricSpec[];
  enabled: boolean;
  daily_judge_budget_usd?: number;
  daily_judge_call_limit?: number;
  /** Spend and calls of the day in `budget_day` (UTC). */
  budget_day?: string;
  judge_spend_usd: number;
  judge_calls: number;
  /** Traces started at or before this time (ms) have been considered. */
  watermark_ms: number;
  traces_scored: number;
  last_error?: string;
  created_time: number;
  last_update_time: number;
}

/** The changeable fields of a rule. */
export interface OnlineRuleChanges {
  name?: string;
  sampleRate?: number;
  filterString?: string | null;
  metrics?: MetricSpec[];
  enabled?: boolean;
  dailyJudgeBudgetUsd?: number | null;
  dailyJudgeCallLimit?: number | null;
}

type RuleRow = EvalOnlineRulesTable & {
  judge_spend_usd: number;
  judge_calls: number;
  traces_scored: number;
  lease_until_ms: number;
};

function toJson(row: RuleRow): OnlineRuleJson {
  return {
    rule_id: row.rule_id,
    experiment_id: String(row.experiment_id),
    name: row.name,
    sample_rate: row.sample_rate,
    ...(row.filter_string ? { filter_string: row.filter_string } : {}),
    metrics: JSON.parse(row.metrics) as MetricSpec[],
    enabled: row.enabled === 1,
    ...(row.daily_judge_budget_usd === null
      ? {}
      : { daily_judge_budget_usd: row.daily_judge_budget_usd }),
    ...(row.daily_judge_call_limit === null
      ? {}
      : { daily_judge_call_limit: row.daily_judge_call_limit }),
    ...(row.budget_day === null ? {} : { budget_day: row.budget_day }),
    judge_spend_usd: Number(row.judge_spend_usd),
    judge_calls: Number(row.judge_calls),
    watermark_ms: Number(row.watermark_ms),
    traces_scored: Number(row.traces_scored),
    ...(row.last_error ? { last_error: row.last_error } : {}),
    created_time: Number(row.created_time),
    last_update_time: Number(row.last_update_time),
  };
}

function checkSampleRate(rate: number): number {
  if (!(rate > 0 && rate <= 1))
    throw invalidParameter(`sample_rate must be in (0, 1], got ${rate}.`);
  return rate;
}

/** Online scoring rules, with the scorer's watermark, lease and daily judge spend. */
export class OnlineRuleStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates a rule; it scores traces that start from now on (or from `startFromMs`). */
  async create(input: {
    experimentId: number;
    name: string;
    sampleRate: number;
    filterString?: string;
    metrics: MetricSpec[];
    enabled?: boolean;
    dailyJudgeBudgetUsd?: number;
    dailyJudgeCallLimit?: number;
    startFromMs?: number;
  }): Promise<OnlineRuleJson> {
    const now = this.clock();
    const ruleId = `sr-${randomBytes(12).toString('hex')}`;
    await this.storage.writes.run(async (trx) => {
      const experiment = await trx
        .selectFrom('experiments')
        .select('lifecycle_stage')
        .where('experiment_id', '=', input.experimentId)
        .executeTakeFirst();
      if (!experiment)
        throw resourceDoesNotExist(`No Experiment with id=${input.experimentId} exists`);
      const clash = await trx
        .selectFrom('eval_online_rules')
        .select('rule_id')
        .where('experiment_id', '=', input.experimentId)
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (clash)
        throw resourceAlreadyExists(
          `Rule '${input.name}' already exists in experiment ${input.experimentId}.`,
        );
      await trx
        .insertInto('eval_online_rules')
        .values({
          rule_id: ruleId,
          experiment_id: input.experimentId,
          name: input.name,
          sample_rate: checkSampleRate(input.sampleRate),
          filter_string: input.filterString || null,
          metrics: JSON.stringify(input.metrics),
          enabled: input.enabled === false ? 0 : 1,
          daily_judge_budget_usd: input.dailyJudgeBudgetUsd ?? null,
          daily_judge_call_limit: input.dailyJudgeCallLimit ?? null,
          budget_day: null,
          watermark_ms: input.startFromMs ?? now,
          watermark_id: '',
          lease_owner: null,
          last_error: null,
          created_time: now,
          last_update_time: now,
        })
        .execute();
    });
    return this.get(ruleId);
  }

  /** The rule; RESOURCE_DOES_NOT_EXIST when there is none. */
  async get(ruleId: string): Promise<OnlineRuleJson> {
    return toJson(await this.row(ruleId));
  }

  /** The stored row (the scorer needs the watermark id too). */
  async row(ruleId: string): Promise<RuleRow> {
    const row = await this.storage.db
      .selectFrom('eval_online_rules')
      .selectAll()
      .where('rule_id', '=', ruleId)
      .executeTakeFirst();
    if (!row) throw resourceDoesNotExist(`Online scoring rule '${ruleId}' not found.`);
    return row as RuleRow;
  }

  /** Rules of one experiment, or all, oldest first. */
  async list(experimentId?: number): Promise<OnlineRuleJson[]> {
    let query = this.storage.db.selectFrom('eval_online_rules').selectAll();
    if (experimentId !== undefined) query = query.where('experiment_id', '=', experimentId);
    const rows = await query.orderBy('created_time').orderBy('rule_id').execute();
    return rows.map((row) => toJson(row as RuleRow));
  }

  /** Ids of the enabled rules, for the scorer. */
  async enabledRuleIds(): Promise<string[]> {
    const rows = await this.storage.db
      .selectFrom('eval_online_rules')
      .select('rule_id')
      .where('enabled', '=', 1)
      .orderBy('rule_id')
      .execute();
    return rows.map((row) => row.rule_id);
  }

  /** Applies the given changes. */
  async update(ruleId: string, changes: OnlineRuleChanges): Promise<OnlineRuleJson> {
    await this.row(ruleId);
    const set: Updateable<EvalOnlineRulesTable> = { last_update_time: this.clock() };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.sampleRate !== undefined) set.sample_rate = checkSampleRate(changes.sampleRate);
    if (changes.filterString !== undefined) set.filter_string = changes.filterString || null;
    if (changes.metrics !== undefined) set.metrics = JSON.stringify(changes.metrics);
    if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0;
    if (changes.dailyJudgeBudgetUsd !== undefined)
      set.daily_judge_budget_usd = changes.dailyJudgeBudgetUsd;
    if (changes.dailyJudgeCallLimit !== undefined)
      set.daily_judge_call_limit = changes.dailyJudgeCallLimit;
    await this.storage.writes.run((trx) =>
      trx.updateTable('eval_online_rules').set(set).where('rule_id', '=', ruleId).execute(),
    );
    return this.get(ruleId);
  }

  /** Deletes the rule (its assessments stay on the traces). */
  async delete(ruleId: string): Promise<void> {
    await this.row(ruleId);
    await this.storage.writes.run((trx) =>
      trx.deleteFrom('eval_online_rules').where('rule_id', '=', ruleId).execute(),
    );
  }

  /**
   * Takes the rule's lease for `owner` until `untilMs` when it is free, expired or already
   * `owner`'s, so replicas never score one rule at once. True when the lease is held.
   */
  async claim(ruleId: string, owner: string, untilMs: number): Promise<boolean> {
    const now = this.clock();
    const result = await this.storage.writes.run((trx) =>
      trx
        .updateTable('eval_online_rules')
        .set({ lease_owner: owner, lease_until_ms: untilMs })
        .where('rule_id', '=', ruleId)
        .where('enabled', '=', 1)
        .where((eb) => eb.or([eb('lease_until_ms', '<', now), eb('lease_owner', '=', owner)]))
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease back. */
  async release(ruleId: string, owner: string): Promise<void> {
    await this.storage.writes.run((trx) =>
      trx
        .updateTable('eval_online_rules')
        .set({ lease_owner: null, lease_until_ms: 0 })
        .where('rule_id', '=', ruleId)
        .where('lease_owner', '=', owner)
        .execute(),
    );
  }

  /** Records progress: the new watermark, traces scored, judge spend of `day`, and any error. */
  async progress(
    ruleId: string,
    owner: string,
    update: {
      watermarkMs: number;
      watermarkId: string;
      scored: number;
      day: string;
      judgeSpendUsd: number;
      judgeCalls: number;
      lastError: string | null;
    },
  ): Promise<void> {
    await this.storage.writes.run((trx) =>
      trx
        .updateTable('eval_online_rules')
        .set((eb) => ({
          watermark_ms: update.watermarkMs,
          watermark_id: update.watermarkId,
          traces_scored: eb('traces_scored', '+', update.scored),
          budget_day: update.day,
          judge_spend_usd: update.judgeSpendUsd,
          judge_calls: update.judgeCalls,
          last_error: update.lastError,
        }))
        .where('rule_id', '=', ruleId)
        .where('lease_owner', '=', owner)
        .execute(),
    );
  }
}
