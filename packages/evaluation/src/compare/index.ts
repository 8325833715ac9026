export {
  type CompareOptions,
  compareEvaluations,
  type EvaluationComparison,
  type EvaluationSide,
  lowerIsBetterMetrics,
  type MetricComparison,
  type RowRegression,
} from './compare-evaluations.js';
export {
  evaluateGateRules,
  type GateOperator,
  type GateResult,
  type GateRule,
  parseGateRule,
} from './gate-rules.js';
export {
  type BootstrapInterval,
  pairedBootstrap,
  pairedTTest,
  regularizedBeta,
  studentTTwoSided,
  type TTestResult,
} from './paired-stats.js';
