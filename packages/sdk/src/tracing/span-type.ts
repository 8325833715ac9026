/** MLflow's span types; any other string is accepted as a custom type, as MLflow does. */
export const SpanType = {
  LLM: 'LLM',
  CHAT_MODEL: 'CHAT_MODEL',
  CHAIN: 'CHAIN',
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  EMBEDDING: 'EMBEDDING',
  PARSER: 'PARSER',
  MEMORY: 'MEMORY',
  UNKNOWN: 'UNKNOWN',
} as const;

/** A span type: one of `SpanType`'s values or a custom string. */
export type SpanTypeName = (typeof SpanType)[keyof typeof SpanType] | (string & {});
