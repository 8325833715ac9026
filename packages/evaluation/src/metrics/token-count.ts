/**
 * Token count of a text with an OpenAI BPE encoding (MLflow's `token_count` uses cl100k_base).
 * The rank tables are megabytes, so each loads on first use.
 */

/** The encodings gpt-tokenizer ships that `tokenCount` accepts. */
export type TokenEncoding = 'cl100k_base' | 'o200k_base';

type Encoder = (text: string) => number;
const encoders = new Map<TokenEncoding, Promise<Encoder>>();

function loadEncoder(encoding: TokenEncoding): Promise<Encoder> {
  let loaded = encoders.get(encoding);
  if (!loaded) {
    loaded = (
      encoding === 'o200k_base'
        ? import('gpt-tokenizer/encoding/o200k_base')
        : import('gpt-tokenizer/encoding/cl100k_base')
    ).then(
      // Special-token text in an answer is just text here, as tiktoken's encode_ordinary.
      (module) => (text: string) => module.encode(text, { disallowedSpecial: new Set() }).length,
    );
    encoders.set(encoding, loaded);
  }
  return loaded;
}

/**
 * The number of tokens in `text` (default encoding cl100k_base, as MLflow).
 *
 * @example await tokenCount('hello world') // 2
 */
export async function tokenCount(
  text: string,
  encoding: TokenEncoding = 'cl100k_base',
): Promise<number> {
  return (await loadEncoder(encoding))(text);
}
