/** Cohere v2 wire types (the parts Cairn reads). */

/** Billed and actual token counts; billed units are what cost is computed from. */
export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
}

/** A tool call, already in OpenAI's shape. */
export interface CohereToolCall {
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** `POST /v2/chat` response body. */
export interface CohereChatResponse {
  id: string;
  finish_reason?: string;
  message?: {
    role: 'assistant';
    content?: { type: string; text?: string }[];
    tool_calls?: CohereToolCall[];
    tool_plan?: string;
  };
  usage?: CohereUsage;
}

/** One event of a v2 chat stream. */
export interface CohereStreamEvent {
  type: string;
  id?: string;
  index?: number;
  delta?: {
    message?: {
      role?: string;
      content?: { type?: string; text?: string };
      tool_calls?: CohereToolCall;
      tool_plan?: string;
    };
    finish_reason?: string;
    usage?: CohereUsage;
    error?: string;
  };
}
