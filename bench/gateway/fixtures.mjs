// What the gateway benches share: the provider's fixed chat completion and Cairn's bench route.

/** The chat completion the fake provider answers every plain call with. */
export const completion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello! How can I help you today?' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
};

/**
 * Cairn's bench route at `upstream`: two-target fallback, per-route rate limits (high enough never
 * to trigger), a route and a per-user budget, and logging with payloads. `$KEY` is the API key.
 */
export function benchRoutesYaml(upstream) {
  const model = `{ provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${upstream}/v1 } }`;
  return `routes:
  - name: chat
    route_type: llm/v1/chat
    strategy: fallback
    targets:
      - { name: primary, model: ${model} }
      - { name: backup, model: ${model} }
    retries: { attempts: 1, backoff_ms: 50 }
    rate_limit: { rpm: 100000000, tpm: 1000000000 }
    budget: { usd: 1000000, period: month }
budgets:
  - { scope: user, usd: 1000000, period: day }
logging: { payloads: true }
`;
}
