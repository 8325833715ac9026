/**
 * The grading prompt sent to an LLM judge, laid out as MLflow's GenAI metric prompt: the judge's
 * role, the input and output, additional grading context, the metric's definition and rubric,
 * optional worked examples, and the reply format (JSON with a score and a justification).
 */
import type { JudgeScale } from './parse-judge-output.js';

/** A worked example shown to the judge. */
export interface GenaiExample {
  input?: string;
  output: string;
  score: number | boolean;
  justification: string;
  /** Extra columns the example was graded with (e.g. `{ targets: '…' }`). */
  gradingContext?: Record<string, string>;
}

/** What one grading prompt is built from. */
export interface JudgePromptParts {
  name: string;
  definition: string;
  gradingPrompt: string;
  scale: JudgeScale;
  input?: string;
  output: string;
  gradingContext: Record<string, string>;
  examples: readonly GenaiExample[];
}

function replyFormat(name: string, scale: JudgeScale): string {
  const score =
    scale === 'pass-fail'
      ? '"yes" if the output passes, "no" if it does not'
      : `your numerical score for the model's ${name}, from ${scale.min} to ${scale.max}, based on the rubric`;
  return `You must return the following fields in your response as one JSON object, and nothing else:
"score": ${score}
"justification": your reasoning about the model's ${name} score`;
}

function contextBlock(context: Record<string, string>): string {
  const entries = Object.entries(context);
  if (entries.length === 0) return '';
  return `Additional information used by the model:\n${entries
    .map(([key, value]) => `key: ${key}\nvalue:\n${value}`)
    .join('\n')}\n\n`;
}

function examplesBlock(examples: readonly GenaiExample[]): string {
  if (examples.length === 0) return '';
  const rendered = examples.map((example, index) => {
    const input = example.input === undefined ? '' : `Example Input:\n${example.input}\n\n`;
    return `Example ${index + 1}:\n${input}Example Output:\n${example.output}\n\n${contextBlock(
      example.gradingContext ?? {},
    )}Example score: ${String(example.score)}\nExample justification: ${example.justification}`;
  });
  return `Examples:\n${rendered.join('\n\n')}\n\n`;
}

/** Builds the grading prompt. */
export function buildJudgePrompt(parts: JudgePromptParts): string {
  const input = parts.input === undefined ? '' : `Input:\n${parts.input}\n\n`;
  return `Task:
${replyFormat(parts.name, parts.scale)}

You are an impartial judge. You will be given an input that was sent to a machine learning model, and you will be given an output that the model produced. You may also be given additional information that was used by the model to generate the output.

Your task is to determine a score called ${parts.name} based on the input and output.
A definition of ${parts.name} and a grading rubric are provided below.
You must use the grading rubric to determine your score. You must also justify your score.

Examples could be included below for reference. Make sure to use them as references and to understand them before completing the task.

${input}Output:
${parts.output}

${contextBlock(parts.gradingContext)}Metric definition:
${parts.definition}

Grading rubric:
${parts.gradingPrompt}

${examplesBlock(parts.examples)}${replyFormat(parts.name, parts.scale)}

Do not add any other fields.`;
}

/** The follow-up sent once when the judge's first reply could not be parsed. */
export function repairPrompt(scale: JudgeScale): string {
  const score =
    scale === 'pass-fail' ? '"yes" or "no"' : `a number from ${scale.min} to ${scale.max}`;
  return `Your reply could not be parsed. Reply with only a JSON object of the form {"score": ${score}, "justification": "<one or two sentences>"}.`;
}
