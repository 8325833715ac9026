// Cairn's gateway as the bench runs it: two-target fallback routing, per-route and per-key rate
// limits (high enough never to trigger), a budget, and trace logging to a tracking URI.
// Like `cairn gateway`, it first keeps nextTick's entry shape alive (packages/cli/src/tick-shape.ts).
import { pinTickShape } from '../../packages/cli/dist/tick-shape.js';

pinTickShape();
const {
  createGatewayApp,
  createUpstreamFetch,
  createProvider,
  HttpLogSink,
  MemoryState,
  parseGatewayConfig,
} = await import('@cairn/gateway');
const { benchRoutesYaml } = await import('./fixtures.mjs');

const upstreamPort = Number(process.argv[2]);
const upstream = `http://127.0.0.1:${upstreamPort}`;
const yaml = benchRoutesYaml(upstream);
// CAIRN_BENCH_VARIANT=plain drops the policies and logging, to see what they cost.
const variant = process.env.CAIRN_BENCH_VARIANT ?? 'full';
const plainYaml = `routes:
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${upstream}/v1 } }
`;
const config = parseGatewayConfig(variant === 'full' ? yaml : plainYaml, {
  env: { KEY: 'sk-bench-key-0000000000' },
});
const fetch = createUpstreamFetch();
const app = createGatewayApp(config, {
  createProvider: (model) => createProvider(model, { fetch }),
  state: new MemoryState(),
  ...(variant === 'plain' ? {} : { logSink: new HttpLogSink(upstream, { fetch }) }),
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ port: app.server.address().port });
process.on('message', (message) => {
  if (message === 'stats') {
    process.send?.({
      cpu: process.cpuUsage(),
      rss: process.memoryUsage().rss,
      dropped: app.gateway.logQueue?.dropped ?? 0,
    });
  }
});
process.on('SIGINT', () => process.exit(0));
