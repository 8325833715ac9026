/**
 * Regression gates for CI: rules such as `answer_correctness/mean >= baseline - 0.02` or
 * `toxicity/max <= 0.1`, parsed by a tiny grammar
 * `<metric>/<aggregate> <op> (<number> | baseline [(+|-) <number>])` and checked against two
 * runs' logged metrics.
 */
import { lookupRunMetric } from '../runner/run-metric-names.js';

/** A comparison operator of a gate rule. */
export type GateOperator = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** A parsed gate rule. */
export interface GateRule {
  source: string;
  /** `answer_correctness` (or a versioned `answer_correctness/v1`). */
  metric: string;
  aggregate: string;
  operator: GateOperator;
  threshold: { kind: 'absolute'; value: number } | { kind: 'baseline'; offset: number };
}

/** A rule's outcome. */
export interface GateResult {
  rule: GateRule;
  passed: boolean;
  actual?: number;
  /** The number `actual` was compared with. */
  expected?: number;
  baseline?: number;
  /** Why it failed when no value could be compared. */
  reason?: string;
}

const rulePattern =
  /^\s*([A-Za-z0-9_.:-]+(?:\/[A-Za-z0-9_.:-]+)*)\/([A-Za-z0-9_]+)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$/;
const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Parses one gate rule; a RangeError says what is wrong.
 *
 * @example parseGateRule('toxicity/max <= 0.1')
 */
export function parseGateRule(source: string): GateRule {
  const match = rulePattern.exec(source);
  if (!match) {
    throw new RangeError(
      `invalid gate rule '${source}': expected '<metric>/<aggregate> <op> <number | baseline [+-] number>', e.g. 'toxicity/max <= 0.1'`,
    );
  }
  const [, metric, aggregate, operator, right] = match as unknown as [
    string,
    string,
    string,
    GateOperator,
    string,
  ];
  const compact = right.replace(/\s+/g, '');
  let threshold: GateRule['threshold'];
  if (numberPattern.test(compact)) {
    threshold = { kind: 'absolute', value: Number(compact) };
  } else {
    const baseline = /^baseline(?:([+-])((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?))?$/i.exec(compact);
    if (!baseline) {
      throw new RangeError(
        `invalid gate rule '${source}': the right side must be a number or 'baseline', 'baseline + <number>' or 'baseline - <number>'`,
      );
    }
    const offset =
      baseline[2] === undefined ? 0 : Number(baseline[2]) * (baseline[1] === '-' ? -1 : 1);
    threshold = { kind: 'baseline', offset };
  }
  return { source: source.trim(), metric, aggregate, operator, threshold };
}

function holds(actual: number, operator: GateOperator, expected: number): boolean {
  switch (operator) {
    case '>=':
      return actual >= expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '<':
      return actual < expected;
    case '==':
      return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
    default:
      return Math.abs(actual - expected) > 1e-12 * Math.max(1, Math.abs(expected));
  }
}

/**
 * Checks rules against a candidate's run metrics (and a baseline's, for relative rules). A rule
 * whose metric was not logged fails: a gate must not pass on missing evidence.
 *
 * @example evaluateGateRules([parseGateRule('toxicity/max <= 0.1')], candidateMetrics)
 */
export function evaluateGateRules(
  rules: readonly GateRule[],
  candidate: Readonly<Record<string, number>>,
  baseline?: Readonly<Record<string, number>>,
): GateResult[] {
  return rules.map((rule): GateResult => {
    const actual = lookupRunMetric(candidate, rule.metric, rule.aggregate);
    if (actual === undefined) {
      return {
        rule,
        passed: false,
        reason: `candidate has no metric ${rule.metric}/${rule.aggregate}`,
      };
    }
    let expected: number;
    let baselineValue: number | undefined;
    if (rule.threshold.kind === 'absolute') {
      expected = rule.threshold.value;
    } else {
      if (!baseline) return { rule, passed: false, actual, reason: 'rule needs a baseline run' };
      baselineValue = lookupRunMetric(baseline, rule.metric, rule.aggregate);
      if (baselineValue === undefined) {
        return {
          rule,
          passed: false,
          actual,
          reason: `baseline has no metric ${rule.metric}/${rule.aggregate}`,
        };
      }
      expected = baselineValue + rule.threshold.offset;
    }
    return {
      rule,
      passed: holds(actual, rule.operator, expected),
      actual,
      expected,
      ...(baselineValue === undefined ? {} : { baseline: baselineValue }),
    };
  });
}
