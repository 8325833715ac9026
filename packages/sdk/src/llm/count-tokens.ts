import { normalizeModelName } from '@cairn/spec';
import { asMessages, contentText, type LlmText } from './chat-message.js';

/** A BPE encoding shipped with gpt-tokenizer. */
export type TokenEncoding = 'o200k_base' | 'cl100k_base';

/** A token count and how much to trust it. */
export interface TokenCount {
  tokens: number;
  encoding: TokenEncoding;
  /** `exact` for OpenAI models (their own encoding); `approximate` for other providers. */
  accuracy: 'exact' | 'approximate';
}

/**
 * The encoding to count a model's tokens with. OpenAI models use their published encodings.
 * Other providers keep their tokenizers private or different; the closest public encoding is
 * used and counts are approximate (typically within 10–20% for English): cl100k_base for
 * Claude and Llama, o200k_base for Gemini, Mistral and anything unknown.
 */
export function encodingForModel(model: string): { encoding: TokenEncoding; exact: boolean } {
  const name = normalizeModelName(model);
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)/.test(name)) {
    return { encoding: 'o200k_base', exact: true };
  }
  if (/^(gpt-4|gpt-3\.5|text-embedding)/.test(name))
    return { encoding: 'cl100k_base', exact: true };
  if (/^(claude|llama|meta-llama)/.test(name)) return { encoding: 'cl100k_base', exact: false };
  return { encoding: 'o200k_base', exact: false };
}

type Encoder = (text: string) => number[];
const encoders = new Map<TokenEncoding, Promise<Encoder>>();

// Each encoding's rank table is megabytes; load one only when a count first needs it.
function loadEncoder(encoding: TokenEncoding): Promise<Encoder> {
  let loaded = encoders.get(encoding);
  if (!loaded) {
    loaded = (
      encoding === 'o200k_base'
        ? import('gpt-tokenizer/encoding/o200k_base')
        : import('gpt-tokenizer/encoding/cl100k_base')
    ).then((module) => (text: string) => module.encode(text, { disallowedSpecial: new Set() }));
    encoders.set(encoding, loaded);
  }
  return loaded;
}

/**
 * Counts the tokens of a prompt or response for `model`. Chat messages are counted the way
 * OpenAI's cookbook does: each message's role, name and content, plus 3 tokens of framing per
 * message and 3 priming the reply.
 */
export async function countTokens(model: string, text: LlmText): Promise<TokenCount> {
  const { encoding, exact } = encodingForModel(model);
  const encode = await loadEncoder(encoding);
  const messages = asMessages(text);
  let tokens: number;
  if (!messages) {
    tokens = encode(text as string).length;
  } else {
    tokens = 3;
    for (const message of messages) {
      tokens += 3 + encode(message.role).length + encode(contentText(message.content)).length;
      if (message.name) tokens += 1 + encode(message.name).length;
    }
  }
  return { tokens, encoding, accuracy: exact ? 'exact' : 'approximate' };
}
