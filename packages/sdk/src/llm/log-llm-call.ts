import { costOf, findModelPrice } from '@cairn/spec';
import type { Cairn } from '../fluent/cairn.js';
import { asMessages, contentText, type LlmText, renderLlmText } from './chat-message.js';
import { countTokens, type TokenEncoding } from './count-tokens.js';

/** One LLM call to log with `logLlmCall`. */
export interface LlmCall {
  model: string;
  /** The prompt: text, or chat messages (rendered readably and also kept as JSON). */
  prompt: LlmText;
  response: LlmText;
  /** Token usage as the provider reported it; counted with gpt-tokenizer when absent. */
  usage?: { promptTokens: number; completionTokens: number; totalTokens?: number };
  latencyMs: number;
  /** Call parameters logged as run params (temperature, max_tokens, …). */
  params?: Record<string, string | number | boolean>;
  /** Run tags, e.g. cost_center, project, user. */
  tags?: Record<string, string>;
  /** Interaction record: user, session, feedback and anything else, saved as JSON. */
  metadata?: { user?: string; session?: string; feedback?: unknown; [key: string]: unknown };
  /** Provider name; inferred from the model when absent (openai, anthropic, google, mistral). */
  provider?: string;
  /** Name of the run logLlmCall starts when no run is active. */
  runName?: string;
}

/** What `logLlmCall` logged. */
export interface LlmCallRecord {
  runId: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** USD; undefined when the model is not in the price catalogue. */
  costUsd?: number;
  latencyMs: number;
  /** `provided` when usage was given, else how the count was made. */
  tokenSource: 'provided' | 'exact' | 'approximate';
  /** Where the artifacts went ('' for the run's root). */
  artifactDir: string;
}

/**
 * Logs one LLM call in one line: params, prompt and response artifacts, token and latency
 * metrics, cost from the price catalogue, tags and `interaction_metadata.json`. Logs into the
 * active run (a second call in the same run writes under `llm_calls/<n>/` and logs metrics at
 * step n), or starts and ends a run of its own when none is active.
 */
export async function logLlmCall(cairn: Cairn, call: LlmCall): Promise<LlmCallRecord> {
  const endedAt = Date.now();
  const usage = await resolveUsage(call);
  const catalogue = cairn.prices();
  const costUsd = costOf(call.model, usage, catalogue);
  const provider = call.provider ?? inferProvider(call.model, catalogue);
  const params: Record<string, string> = { model: call.model };
  for (const [key, value] of Object.entries(call.params ?? {})) params[key] = String(value);
  const tags: Record<string, string> = {
    ...(typeof call.metadata?.user === 'string' ? { user: call.metadata.user } : {}),
    ...call.tags,
    ...(provider ? { 'llm.provider': provider } : {}),
  };

  const active = cairn.activeRun();
  const runId =
    active?.runId ??
    (
      await cairn.client.createRun(await cairn.resolveExperimentId(), {
        runName: call.runName,
        tags,
      })
    ).info.run_id;
  const { index, runCostUsd } = active
    ? cairn.countLlmCall(runId, costUsd ?? 0)
    : { index: 0, runCostUsd: costUsd ?? 0 };
  const artifactDir = index === 0 ? '' : `llm_calls/${index}`;
  const at = (name: string) => (artifactDir ? `${artifactDir}/${name}` : name);

  const metrics: Record<string, number> = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    latency_ms: call.latencyMs,
    ...(costUsd === undefined ? {} : { cost_usd: costUsd, run_cost_usd: runCostUsd }),
  };
  const { user, session, feedback, ...otherMetadata } = call.metadata ?? {};
  const interaction = {
    run_id: runId,
    model: call.model,
    provider: provider ?? null,
    params: call.params ?? {},
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.totalTokens,
      source: usage.source,
      ...(usage.encoding ? { encoding: usage.encoding } : {}),
    },
    cost_usd: costUsd ?? null,
    price_catalogue_as_of: costUsd === undefined ? null : catalogue.asOf,
    latency_ms: call.latencyMs,
    started_at: new Date(endedAt - call.latencyMs).toISOString(),
    ended_at: new Date(endedAt).toISOString(),
    user: user ?? null,
    session: session ?? null,
    feedback: feedback ?? null,
    metadata: otherMetadata,
  };

  const uploads = [
    cairn.client.logText(runId, renderLlmText(call.prompt), at('prompt.txt')),
    cairn.client.logText(runId, renderLlmText(call.response), at('response.txt')),
    cairn.client.logDict(runId, interaction, at('interaction_metadata.json')),
  ];
  if (asMessages(call.prompt))
    uploads.push(cairn.client.logDict(runId, call.prompt, at('prompt.json')));
  if (asMessages(call.response)) {
    uploads.push(cairn.client.logDict(runId, call.response, at('response.json')));
  }

  if (active) {
    cairn.bufferParamsLeniently(runId, params);
    cairn.bufferForRun(runId, metrics, tags, index);
    await Promise.all(uploads);
  } else {
    try {
      await Promise.all([
        ...uploads,
        cairn.client.logBatch(runId, {
          params: Object.entries(params).map(([key, value]) => ({ key, value })),
          metrics: Object.entries(metrics).map(([key, value]) => ({
            key,
            value,
            timestamp: endedAt,
          })),
        }),
      ]);
    } catch (error) {
      await cairn.client.setTerminated(runId, 'FAILED').catch(() => {});
      throw error;
    }
    await cairn.client.setTerminated(runId, 'FINISHED');
  }

  return {
    runId,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    totalTokens: usage.totalTokens,
    costUsd,
    latencyMs: call.latencyMs,
    tokenSource: usage.source,
    artifactDir,
  };
}

interface ResolvedUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  source: LlmCallRecord['tokenSource'];
  encoding?: TokenEncoding;
}

async function resolveUsage(call: LlmCall): Promise<ResolvedUsage> {
  if (call.usage) {
    const { promptTokens, completionTokens } = call.usage;
    return {
      promptTokens,
      completionTokens,
      totalTokens: call.usage.totalTokens ?? promptTokens + completionTokens,
      source: 'provided',
    };
  }
  const prompt = await countTokens(call.model, call.prompt);
  // A reply is counted by its content only: the chat framing belongs to the prompt side.
  const responseMessages = asMessages(call.response);
  const responseText = responseMessages
    ? responseMessages.map((message) => contentText(message.content)).join('\n')
    : (call.response as string);
  const completion = await countTokens(call.model, responseText);
  return {
    promptTokens: prompt.tokens,
    completionTokens: completion.tokens,
    totalTokens: prompt.tokens + completion.tokens,
    source: prompt.accuracy,
    encoding: prompt.encoding,
  };
}

function inferProvider(model: string, catalogue: ReturnType<Cairn['prices']>): string | undefined {
  const slash = model.indexOf('/');
  if (slash > 0) return model.slice(0, slash).toLowerCase();
  return findModelPrice(model, catalogue)?.provider;
}
