/**
 * Tolerant parsing of a judge's reply: a JSON object (possibly in a code fence or surrounded by
 * prose), or the `score: 4` / `justification: …` lines MLflow's prompts historically asked for.
 */

/** The judge's verdict. */
export interface JudgeVerdict {
  score: number | boolean;
  justification: string;
}

/** How scores are read: a numeric range, or pass/fail. */
export type JudgeScale = { min: number; max: number } | 'pass-fail';

const scoreKeys = ['score', 'rating', 'result', 'verdict', 'grade'];
const justificationKeys = ['justification', 'rationale', 'reasoning', 'explanation', 'reason'];

/** Every balanced `{…}` substring, outermost first, skipping braces inside JSON strings. */
function jsonObjectCandidates(text: string): string[] {
  const candidates: string[] = [];
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let index = start; index < text.length; index++) {
      const character = text[index];
      if (inString) {
        if (character === '\\') index++;
        else if (character === '"') inString = false;
      } else if (character === '"') inString = true;
      else if (character === '{') depth++;
      else if (character === '}' && --depth === 0) {
        candidates.push(text.slice(start, index + 1));
        break;
      }
    }
  }
  return candidates;
}

function readScore(value: unknown, scale: JudgeScale): number | boolean | undefined {
  if (scale === 'pass-fail') {
    if (typeof value === 'boolean') return value;
    const word = String(value).trim().toLowerCase();
    if (['yes', 'pass', 'passed', 'true', 'compliant'].includes(word)) return true;
    if (['no', 'fail', 'failed', 'false', 'non-compliant', 'noncompliant'].includes(word))
      return false;
    return undefined;
  }
  const number = typeof value === 'number' ? value : Number.parseFloat(String(value));
  if (!Number.isFinite(number) || number < scale.min || number > scale.max) return undefined;
  return number;
}

function fromObject(object: Record<string, unknown>, scale: JudgeScale): JudgeVerdict | undefined {
  const lowered = new Map(Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]));
  const scoreKey = scoreKeys.find((key) => lowered.has(key));
  if (scoreKey === undefined) return undefined;
  const score = readScore(lowered.get(scoreKey), scale);
  if (score === undefined) return undefined;
  const justificationKey = justificationKeys.find((key) => lowered.has(key));
  const justification = justificationKey === undefined ? '' : String(lowered.get(justificationKey));
  return { score, justification };
}

const lineScore =
  /(?:^|\n|\*|\s)(?:score|rating|result|verdict)\**\s*[:=]\s*\**\s*("?)([a-z-]+|-?\d+(?:\.\d+)?)\1/i;
const lineJustification =
  /(?:justification|rationale|reasoning|explanation)\**\s*[:=]\s*\**\s*([\s\S]+)/i;

/**
 * Parses a judge reply; undefined when no score within the scale can be found.
 *
 * @example parseJudgeOutput('Sure! {"score": 4, "justification": "mostly right"}', { min: 1, max: 5 })
 */
export function parseJudgeOutput(text: string, scale: JudgeScale): JudgeVerdict | undefined {
  for (const candidate of [text.trim(), ...jsonObjectCandidates(text)]) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const verdict = fromObject(parsed as Record<string, unknown>, scale);
        if (verdict) return verdict;
      }
    } catch {
      // Not JSON; try the next candidate, then the line format.
    }
  }
  const scoreMatch = lineScore.exec(text);
  if (!scoreMatch) return undefined;
  const score = readScore(scoreMatch[2], scale);
  if (score === undefined) return undefined;
  const justification =
    lineJustification
      .exec(text)?.[1]
      ?.trim()
      .replace(/\s*\}?\s*$/, '') ?? '';
  return { score, justification };
}
