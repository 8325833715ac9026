import {
  type AbTest,
  type AbTestReport,
  type AbTestVariant,
  assignVariant,
  linkedPromptsTag,
  type PromptMessage,
  type PromptVersion,
} from '@cairn/spec';
import type { CairnClientOptions } from '../client/cairn-client.js';
import { HttpTransport, type QueryValue } from '../client/http-transport.js';
import { parseTrackingUri } from '../client/tracking-uri.js';
import { parseRegistryUri } from '../registry/model-uri.js';
import { updateCurrentTrace } from '../tracing/index.js';
import { Prompt } from './prompt.js';

/** Options of a `PromptClient`. */
export interface PromptClientOptions extends CairnClientOptions {
  /** How long a loaded prompt is served from the local cache (ms); default 60 s, 0 disables. */
  cacheTtlMs?: number;
  /**
   * Where prompt links and A/B assignments are recorded besides the current trace: typically
   * the fluent API's active run (`tags => cairn.setTags(tags)` when `cairn.activeRun()`).
   */
  recordTags?: (tags: Record<string, string>) => void;
}

/** Options of `loadPrompt`. */
export interface LoadPromptOptions {
  /** Load through this A/B test: the variant is chosen stickily from `unitId`. */
  abTest?: string;
  /** The user or session id the test assigns by (required with `abTest`). */
  unitId?: string;
  /** Skip the cache for this call. */
  fresh?: boolean;
}

/** Tags that tie a run or trace to the prompt versions and A/B variants it used. */
export { linkedPromptsTag };
export const abTestTag = 'cairn.ab_test';
export const abVariantTag = 'cairn.ab_variant';

/**
 * The prompt registry client: register text or chat templates, load them by URI with a local
 * cache, run A/B tests, and record which prompt version served a trace or run.
 *
 * @example
 * const prompts = new PromptClient({ trackingUri: 'http://127.0.0.1:5000' });
 * await prompts.registerPrompt({ name: 'summarize', template: 'Summarize {{text}}.', commitMessage: 'v1' });
 * const prompt = await prompts.loadPrompt('prompts:/summarize@production');
 */
export class PromptClient {
  readonly trackingUri: string;
  private readonly transport: HttpTransport;
  private readonly ttlMs: number;
  private readonly recordTags?: (tags: Record<string, string>) => void;
  private readonly cache = new Map<string, { prompt: Prompt; expires: number }>();
  private readonly tests = new Map<string, { test: AbTest; expires: number }>();

  constructor(options: PromptClientOptions | string) {
    const resolved = typeof options === 'string' ? { trackingUri: options } : options;
    this.trackingUri = parseTrackingUri(resolved.trackingUri);
    this.transport = new HttpTransport(resolved);
    this.ttlMs = resolved.cacheTtlMs ?? 60_000;
    this.recordTags = resolved.recordTags;
  }

  /** Registers a new version of a prompt (creating the prompt on first use). */
  async registerPrompt(prompt: {
    name: string;
    template: string | PromptMessage[];
    commitMessage?: string;
    modelConfig?: Record<string, unknown>;
    tags?: Record<string, string>;
  }): Promise<Prompt> {
    const body = await this.call<{ prompt_version: PromptVersion }>('POST', '/prompts/create', {
      name: prompt.name,
      template: prompt.template,
      commit_message: prompt.commitMessage,
      model_config: prompt.modelConfig,
      tags: prompt.tags,
    });
    return new Prompt(body.prompt_version);
  }

  /**
   * Loads `prompts:/name/3` or `prompts:/name@alias` (cached for the TTL). With `abTest`, the
   * test's variant for `unitId` is loaded instead, and `cairn.ab_test`/`cairn.ab_variant` and
   * `mlflow.linkedPrompts` are recorded on the current trace and through `recordTags`.
   */
  async loadPrompt(uri: string, options: LoadPromptOptions = {}): Promise<Prompt> {
    if (options.abTest) return this.loadVariant(options.abTest, options.unitId, options.fresh);
    const cached = options.fresh ? undefined : this.cache.get(uri);
    const prompt =
      cached && cached.expires > performance.now() ? cached.prompt : await this.fetchPrompt(uri);
    this.record(prompt);
    return prompt;
  }

  /** Every version of a prompt, newest first. */
  async listPromptVersions(name: string): Promise<Prompt[]> {
    const body = await this.call<{ prompt_versions: PromptVersion[] }>('GET', '/prompts/versions', {
      name,
    });
    return body.prompt_versions.map((version) => new Prompt(version));
  }

  /** Prompts matching a filter on `name` or `tags.<key>`. */
  async searchPrompts(options: { filter?: string; maxResults?: number; pageToken?: string } = {}) {
    return this.call<{
      prompts: {
        name: string;
        latest_version: string;
        aliases: { alias: string; version: string }[];
      }[];
      next_page_token?: string;
    }>('GET', '/prompts/search', {
      filter: options.filter,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
  }

  /** Points a prompt alias (e.g. production) at a version. */
  async setPromptAlias(name: string, alias: string, version: string | number): Promise<void> {
    await this.transport.json({
      method: 'POST',
      url: `${this.trackingUri}/api/2.0/mlflow/registered-models/alias`,
      json: { name, alias, version: String(version) },
    });
    for (const key of this.cache.keys())
      if (key.startsWith(`prompts:/${name}@`)) this.cache.delete(key);
  }

  /** Defines an A/B test over a prompt's versions or aliases. */
  async createAbTest(test: {
    name: string;
    promptName: string;
    variants: AbTestVariant[];
    unit?: 'user' | 'session';
    description?: string;
  }): Promise<AbTest> {
    const body = await this.call<{ ab_test: AbTest }>('POST', '/prompts/ab-tests/create', {
      name: test.name,
      prompt_name: test.promptName,
      variants: test.variants,
      unit: test.unit,
      description: test.description,
    });
    return body.ab_test;
  }

  /** Per-variant outcomes, significance tests and the recommended winner. */
  async abTestReport(name: string): Promise<AbTestReport> {
    return (await this.call<{ report: AbTestReport }>('GET', '/prompts/ab-tests/report', { name }))
      .report;
  }

  /** Moves `alias` (default production) to the winner (or the given variant) and concludes the test. */
  async promoteAbTest(name: string, options: { alias?: string; variant?: string } = {}) {
    return this.call<{ ab_test: AbTest; alias: string; version: string; variant: string }>(
      'POST',
      '/prompts/ab-tests/promote',
      { name, alias: options.alias, variant: options.variant },
    );
  }

  /** Forgets every cached prompt and test. */
  clearCache(): void {
    this.cache.clear();
    this.tests.clear();
  }

  private async fetchPrompt(uri: string): Promise<Prompt> {
    const reference = parseRegistryUri(uri, 'prompts');
    if (reference.kind !== 'version' && reference.kind !== 'alias')
      throw new Error(
        `Prompt URI '${uri}' must name a version (prompts:/name/3) or an alias (prompts:/name@production).`,
      );
    const body = await this.call<{ prompt_version: PromptVersion }>('GET', '/prompts/get', {
      name: reference.name,
      ...(reference.kind === 'version'
        ? { version: reference.version }
        : { alias: reference.alias }),
    });
    const prompt = new Prompt(body.prompt_version);
    if (this.ttlMs > 0) this.cache.set(uri, { prompt, expires: performance.now() + this.ttlMs });
    return prompt;
  }

  private async loadVariant(testName: string, unitId: string | undefined, fresh?: boolean) {
    if (!unitId)
      throw new Error(
        `loadPrompt with abTest '${testName}' needs a unitId (a user or session id).`,
      );
    let entry = fresh ? undefined : this.tests.get(testName);
    if (!entry || entry.expires <= performance.now()) {
      const body = await this.call<{ ab_test: AbTest }>('GET', '/prompts/ab-tests/get', {
        name: testName,
      });
      entry = { test: body.ab_test, expires: performance.now() + this.ttlMs };
      if (this.ttlMs > 0) this.tests.set(testName, entry);
    }
    const { test } = entry;
    const variant = assignVariant(test.name, unitId, test.variants);
    const uri =
      variant.version !== undefined
        ? `prompts:/${test.prompt_name}/${variant.version}`
        : `prompts:/${test.prompt_name}@${variant.alias}`;
    const cached = fresh ? undefined : this.cache.get(uri);
    const base =
      cached && cached.expires > performance.now() ? cached.prompt : await this.fetchPrompt(uri);
    const prompt = new Prompt(
      {
        name: base.name,
        version: base.version,
        template: base.template,
        type: base.type,
        variables: base.variables,
        commit_message: base.commitMessage,
        model_config: base.modelConfig,
        tags: base.tags,
        aliases: base.aliases,
        creation_timestamp: 0,
      },
      { test: test.name, variant: variant.name },
    );
    this.record(prompt);
    return prompt;
  }

  /** Tags the current trace (and the configured run sink) with the prompt version used. */
  private record(prompt: Prompt): void {
    const tags: Record<string, string> = {
      [linkedPromptsTag]: JSON.stringify([{ name: prompt.name, version: prompt.version }]),
      ...(prompt.abTest && {
        [abTestTag]: prompt.abTest.test,
        [abVariantTag]: prompt.abTest.variant,
      }),
    };
    try {
      updateCurrentTrace({ tags });
      this.recordTags?.(tags);
    } catch {
      // Recording is best effort: the SDK never throws into user code for telemetry.
    }
  }

  private call<T>(
    method: 'GET' | 'POST',
    path: string,
    fields: Record<string, unknown>,
  ): Promise<T> {
    const url = `${this.trackingUri}/api/2.0/cairn${path}`;
    return method === 'GET'
      ? this.transport.json<T>({ method, url, query: fields as Record<string, QueryValue> })
      : this.transport.json<T>({ method, url, json: fields });
  }
}
