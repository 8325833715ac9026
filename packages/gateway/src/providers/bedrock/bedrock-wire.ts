/** Bedrock Converse wire types (the parts Cairn reads and writes). */

/** A content block of a Converse message. */
export interface ConverseContentBlock {
  text?: string;
  image?: { format: string; source: { bytes: string } };
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: { toolUseId: string; content: { text: string }[] };
  reasoningContent?: unknown;
}

/** A Converse message (roles alternate; the system prompt travels apart). */
export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ConverseContentBlock[];
}

/** Token counts of a Converse call. */
export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** `POST /model/{id}/converse` response body. */
export interface ConverseResponse {
  output?: { message?: ConverseMessage };
  stopReason?: string;
  usage?: ConverseUsage;
}
