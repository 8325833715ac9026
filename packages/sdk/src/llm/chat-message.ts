/** One message of a chat prompt, OpenAI-style (spec's ChatMessage fits); roles are free-form for other providers. */
export interface LlmMessage {
  role: string;
  content: string | readonly LlmContentPart[] | null;
  name?: string;
}

/** A part of a multi-part message (`{ type: 'text', text }`, images, tool results, …). */
export interface LlmContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** What a prompt or a response may be: plain text or chat messages. */
export type LlmText = string | LlmMessage | readonly LlmMessage[];

/** The text of a message's content: text parts joined, other parts as `[type]`. */
export function contentText(content: LlmMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => (typeof part.text === 'string' ? part.text : `[${part.type}]`))
    .join('\n');
}

/** The messages in `value`, or undefined when it is plain text. */
export function asMessages(value: LlmText): readonly LlmMessage[] | undefined {
  if (typeof value === 'string') return undefined;
  return Array.isArray(value) ? (value as readonly LlmMessage[]) : [value as LlmMessage];
}

/**
 * Human-readable text of a prompt or response: plain text as is, chat messages as
 * `[role]` headers followed by their content, separated by blank lines.
 */
export function renderLlmText(value: LlmText): string {
  const messages = asMessages(value);
  if (!messages) return value as string;
  return messages
    .map((message) => {
      const header = message.name ? `[${message.role}: ${message.name}]` : `[${message.role}]`;
      return `${header}\n${contentText(message.content)}`;
    })
    .join('\n\n');
}
