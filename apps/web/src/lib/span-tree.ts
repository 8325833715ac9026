import type { Span } from '../api/types';

/** A span in display order with its depth and whether it has children. */
export interface TreeRow {
  span: Span;
  depth: number;
  hasChildren: boolean;
}

/** Groups spans by parent; a span whose parent is not (yet) loaded shows as a root. */
export function childrenIndex(spans: Span[]): { roots: Span[]; children: Map<string, Span[]> } {
  const ids = new Set(spans.map((span) => span.span_id));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (!parent || !ids.has(parent)) roots.push(span);
    else {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    }
  }
  const byStart = (a: Span, b: Span) =>
    BigInt(a.start_time_ns) < BigInt(b.start_time_ns) ? -1 : 1;
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);
  return { roots, children };
}

/** Depth-first rows of the tree, skipping the subtrees of collapsed spans. */
export function visibleRows(spans: Span[], collapsed: ReadonlySet<string>): TreeRow[] {
  const { roots, children } = childrenIndex(spans);
  const rows: TreeRow[] = [];
  const stack: { span: Span; depth: number }[] = roots
    .map((span) => ({ span, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const kids = children.get(item.span.span_id) ?? [];
    rows.push({ span: item.span, depth: item.depth, hasChildren: kids.length > 0 });
    if (collapsed.has(item.span.span_id)) continue;
    for (let index = kids.length - 1; index >= 0; index--) {
      const kid = kids[index];
      if (kid) stack.push({ span: kid, depth: item.depth + 1 });
    }
  }
  return rows;
}

/** A chat message as the UI shows it. */
export interface ChatMessage {
  role: string;
  content: string;
  toolCalls?: { name: string; arguments: string }[];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part) =>
        typeof part === 'string'
          ? part
          : ((part as { text?: string }).text ?? JSON.stringify(part)),
      )
      .join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content, null, 2);
}

function asMessage(value: unknown): ChatMessage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.role !== 'string') return undefined;
  const calls = Array.isArray(record.tool_calls) ? record.tool_calls : [];
  return {
    role: record.role,
    content: textOf(record.content),
    ...(calls.length > 0
      ? {
          toolCalls: calls.map((call) => {
            const fn =
              (call as { function?: { name?: string; arguments?: string } }).function ?? {};
            return { name: fn.name ?? 'tool', arguments: fn.arguments ?? '' };
          }),
        }
      : {}),
  };
}

/** Reads chat messages from a span's inputs and outputs (OpenAI, Anthropic and plain lists). */
export function chatMessages(span: Span): ChatMessage[] | undefined {
  const messages: ChatMessage[] = [];
  const inputs = span.inputs as Record<string, unknown> | unknown[] | null;
  const inputList = Array.isArray(inputs)
    ? inputs
    : Array.isArray(inputs?.messages)
      ? inputs.messages
      : [];
  for (const item of inputList) {
    const message = asMessage(item);
    if (message) messages.push(message);
  }
  if (messages.length === 0) return undefined;
  const outputs = span.outputs as Record<string, unknown> | null;
  const choices = Array.isArray(outputs?.choices) ? outputs.choices : [];
  for (const choice of choices) {
    const message = asMessage((choice as { message?: unknown }).message);
    if (message) messages.push(message);
  }
  if (choices.length === 0) {
    const direct = asMessage(outputs);
    if (direct) messages.push(direct);
    else if (Array.isArray(outputs?.content))
      messages.push({ role: 'assistant', content: textOf(outputs.content) });
    else if (typeof span.outputs === 'string')
      messages.push({ role: 'assistant', content: span.outputs });
  }
  return messages;
}

/** Retrieved documents of a retriever span (LangChain/MLflow `page_content` documents). */
export function retrievedDocuments(
  span: Span,
): { content: string; metadata?: unknown }[] | undefined {
  const outputs = span.outputs;
  if (!Array.isArray(outputs)) return undefined;
  const documents = outputs.flatMap((item) => {
    const record = item as { page_content?: unknown; content?: unknown; metadata?: unknown };
    const content = record?.page_content ?? record?.content;
    return typeof content === 'string' ? [{ content, metadata: record.metadata }] : [];
  });
  return documents.length > 0 ? documents : undefined;
}
