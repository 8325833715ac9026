import { parseGatewayConfig } from '../config/parse-config.js';
import { createGatewayApp } from '../http/gateway-app.js';
import { StateKeyStore } from '../keys/state-key-store.js';
import { VirtualKeys } from '../keys/virtual-keys.js';
import { MemoryLogSink } from '../logging/log-sink.js';
import { createProvider } from '../providers/index.js';
import { MemoryState } from '../state/memory-state.js';
import type { SharedState } from '../state/shared-state.js';

/**
 * The gateway from `yaml` on a loopback socket, as the SDK tests run it: real providers, `state`
 * (in memory unless given), logs kept in memory and virtual keys issued from that state. `env`
 * fills the file's `$NAME` references (by default `$UPSTREAM_KEY`). `close` stops the gateway
 * and its state.
 */
export async function listenTestGateway(
  yaml: string,
  {
    env = { UPSTREAM_KEY: 'sk-upstream-0123456789' },
    state = new MemoryState(),
  }: { env?: Record<string, string>; state?: SharedState } = {},
) {
  const sink = new MemoryLogSink();
  const keys = new VirtualKeys(new StateKeyStore(state));
  const app = createGatewayApp(parseGatewayConfig(yaml, { env }), {
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
