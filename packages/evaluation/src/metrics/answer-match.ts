/**
 * Answer matching: exact match (MLflow's `exact_match` compares the raw strings; SQuAD's compares
 * normalised answers) and SQuAD's token-level F1 over normalised answers.
 */
import { normalizeAnswer } from '../text/normalize-answer.js';
import { splitWhitespace } from '../text/split-whitespace.js';

/** Options of `exactMatch`. */
export interface ExactMatchOptions {
  /** Compare SQuAD-normalised answers instead of raw strings (default false, as MLflow). */
  normalize?: boolean;
}

const asList = (targets: string | readonly string[]): readonly string[] =>
  typeof targets === 'string' ? [targets] : targets;

/**
 * True when the prediction equals the target (or any of several targets).
 *
 * @example exactMatch('Paris', 'Paris') // true
 */
export function exactMatch(
  prediction: string,
  targets: string | readonly string[],
  options: ExactMatchOptions = {},
): boolean {
  const normalize = options.normalize ? normalizeAnswer : (text: string) => text;
  const predicted = normalize(prediction);
  return asList(targets).some((target) => normalize(target) === predicted);
}

function f1Against(predictionTokens: string[], target: string): number {
  const targetTokens = splitWhitespace(normalizeAnswer(target));
  // SQuAD v2: when either side has no tokens, F1 is 1 if both are empty, else 0.
  if (predictionTokens.length === 0 || targetTokens.length === 0) {
    return predictionTokens.length === targetTokens.length ? 1 : 0;
  }
  const counts = new Map<string, number>();
  for (const token of targetTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predictionTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predictionTokens.length;
  const recall = common / targetTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * SQuAD token-level F1 (0–1) over normalised answers; the best over several targets.
 *
 * @example tokenF1('the Eiffel tower', 'Eiffel Tower in Paris') // 0.666…
 */
export function tokenF1(prediction: string, targets: string | readonly string[]): number {
  const predictionTokens = splitWhitespace(normalizeAnswer(prediction));
  return Math.max(...asList(targets).map((target) => f1Against(predictionTokens, target)));
}
