import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ModelConfig } from '../providers/provider.js';
import type { GatewayConfig } from './gateway-config.js';
import { loadGatewayConfig } from './parse-config.js';

/** Stops watching. */
export type StopWatching = () => void;

/**
 * Reloads the config file on SIGHUP and whenever it changes on disk (debounced), calling
 * `onReload` with the new config, or `onError` when the new file is invalid (the old config
 * then stays in force).
 */
export function watchGatewayConfig(
  path: string,
  env: Record<string, string | undefined>,
  onReload: (config: GatewayConfig) => void,
  onError: (error: Error) => void,
  options: {
    debounceMs?: number;
    signals?: boolean;
    checkModel?: (model: ModelConfig) => void;
  } = {},
): StopWatching {
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    loadGatewayConfig(path, env, options.checkModel ? { checkModel: options.checkModel } : {}).then(
      (config) => onReload(config),
      (error: Error) => onError(error),
    );
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 100);
  };
  let watcher: FSWatcher | undefined;
  try {
    // Watch the directory: editors save by renaming a new file over the old one.
    const name = basename(path);
    watcher = watch(dirname(path), (_event, changed) => {
      if (changed === name) schedule();
    });
  } catch (error) {
    onError(error as Error);
  }
  const onSignal = () => reload();
  if (options.signals !== false) process.on('SIGHUP', onSignal);
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
    if (options.signals !== false) process.off('SIGHUP', onSignal);
  };
}
