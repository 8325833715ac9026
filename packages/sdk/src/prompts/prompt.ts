import {
  formatTemplate,
  type PromptMessage,
  type PromptTemplate,
  type PromptVersion,
  templateVariables,
} from '@cairn/spec';

/**
 * A loaded prompt version: its template, variables and model configuration, and `format()`,
 * which fills the `{{variables}}` and fails clearly (MissingPromptVariableError) when one is missing.
 *
 * @example
 * const prompt = await prompts.loadPrompt('prompts:/summarize@production');
 * const text = prompt.format({ text: article, n: 50 });
 */
export class Prompt {
  readonly name: string;
  readonly version: string;
  readonly template: PromptTemplate;
  readonly type: 'text' | 'chat';
  readonly variables: string[];
  readonly commitMessage?: string;
  readonly modelConfig?: Record<string, unknown>;
  readonly tags: Record<string, string>;
  readonly aliases: string[];
  /** Set when the prompt was loaded through an A/B test. */
  readonly abTest?: { test: string; variant: string };

  constructor(version: PromptVersion, abTest?: { test: string; variant: string }) {
    this.name = version.name;
    this.version = version.version;
    this.template = version.template;
    this.type = version.type;
    this.variables = version.variables ?? templateVariables(version.template);
    this.commitMessage = version.commit_message;
    this.modelConfig = version.model_config;
    this.tags = version.tags ?? {};
    this.aliases = version.aliases ?? [];
    this.abTest = abTest;
  }

  /** `prompts:/<name>/<version>`, the URI of exactly this version. */
  get uri(): string {
    return `prompts:/${this.name}/${this.version}`;
  }

  /** The template as text: the text itself, or chat messages as JSON. */
  get text(): string {
    return typeof this.template === 'string' ? this.template : JSON.stringify(this.template);
  }

  /** Fills the template: a string for text prompts, messages for chat prompts. */
  format(values: Record<string, unknown>): string | PromptMessage[] {
    return formatTemplate(this.template, values, this.name);
  }
}
