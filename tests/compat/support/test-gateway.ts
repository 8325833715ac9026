import {
  createGatewayApp,
  createProvider,
  MemoryLogSink,
  MemoryState,
  parseGatewayConfig,
  type SharedState,
  StateKeyStore,
  VirtualKeys,
} from '@cairn/gateway';

/**
 * Cairn's gateway from `yaml` (with `$UPSTREAM_KEY` set) on a loopback socket, as the SDK
 * compatibility tests run it: real providers, `state` (in memory unless given), logs kept in
 * memory and virtual keys issued from that state. `close` stops the gateway and its state.
 */
export async function listenTestGateway(yaml: string, state: SharedState = new MemoryState()) {
  const config = parseGatewayConfig(yaml, { env: { UPSTREAM_KEY: 'sk-upstream-0123456789' } });
  const sink = new MemoryLogSink();
  const keys = new VirtualKeys(new StateKeyStore(state));
  const app = createGatewayApp(config, {
    createProvider: (target) => createProvider(target),
    state,
    logSink: sink,
    keys,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const close = async () => {
    await app.close();
    await state.close();
  };
  return { app, sink, keys, address, close };
}
