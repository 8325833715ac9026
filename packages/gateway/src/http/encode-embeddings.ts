/**
 * Re-encodes float embeddings as base64 little-endian float32, for clients that ask for
 * `encoding_format: "base64"` (the openai SDK does by default). Providers always return floats.
 */
export function encodeEmbeddings(body: unknown): unknown {
  const response = body as { data?: { embedding: unknown }[] };
  if (!Array.isArray(response?.data)) return body;
  return {
    ...response,
    data: response.data.map((item) =>
      Array.isArray(item.embedding)
        ? {
            ...item,
            embedding: Buffer.from(new Float32Array(item.embedding as number[]).buffer).toString(
              'base64',
            ),
          }
        : item,
    ),
  };
}
