import type { Experiment, RunStatus } from '@cairn/spec';
import type { LlmCall, LlmCallRecord } from '../llm/log-llm-call.js';
import { type ActiveRun, Cairn, type CairnOptions, type StartRunOptions } from './cairn.js';

/**
 * The `Cairn` behind the module-level functions. It is an ordinary object, created on first use
 * from the environment; `setTrackingUri` and `setDefaultCairn` replace it, and tests simply
 * create their own `Cairn` instead.
 */
const holder: { cairn: Cairn | undefined } = { cairn: undefined };

/** The default `Cairn`, created from the environment on first use. */
export function getDefaultCairn(): Cairn {
  holder.cairn ??= new Cairn();
  return holder.cairn;
}

/** Replaces the default `Cairn` (pass undefined to recreate it from the environment next time). */
export function setDefaultCairn(cairn: Cairn | undefined): void {
  holder.cairn = cairn;
}

/**
 * Points the module-level API at a tracking server. Runs still open on the previous server are
 * flushed and ended when the process exits.
 */
export function setTrackingUri(uri: string, options: Omit<CairnOptions, 'trackingUri'> = {}) {
  holder.cairn = new Cairn({ ...options, trackingUri: uri });
}

/** The tracking server the module-level API logs to. */
export function getTrackingUri(): string {
  return getDefaultCairn().trackingUri;
}

/** Sets the experiment new runs start in, creating it when missing. */
export function setExperiment(name: string): Promise<Experiment> {
  return getDefaultCairn().setExperiment(name);
}

/** Starts a run and makes it active. */
export function startRun(options?: StartRunOptions): Promise<ActiveRun> {
  return getDefaultCairn().startRun(options);
}

/** Runs `fn` in a new run, ended FINISHED or (when `fn` throws) FAILED. */
export function withRun<T>(fn: (run: ActiveRun) => Promise<T> | T, options?: StartRunOptions) {
  return getDefaultCairn().withRun(fn, options);
}

/** The active run, if any. */
export function activeRun(): ActiveRun | undefined {
  return getDefaultCairn().activeRun();
}

/** Ends the active run. */
export function endRun(status?: RunStatus): Promise<void> {
  return getDefaultCairn().endRun(status);
}

/** Logs a param of the active run. */
export function logParam(key: string, value: unknown): void {
  getDefaultCairn().logParam(key, value);
}

/** Logs params of the active run. */
export function logParams(params: Record<string, unknown>): void {
  getDefaultCairn().logParams(params);
}

/** Logs a metric value of the active run. */
export function logMetric(
  key: string,
  value: number,
  options?: { step?: number; timestamp?: number },
): void {
  getDefaultCairn().logMetric(key, value, options);
}

/** Logs metric values of the active run. */
export function logMetrics(
  metrics: Record<string, number>,
  options?: { step?: number; timestamp?: number },
): void {
  getDefaultCairn().logMetrics(metrics, options);
}

/** Sets a tag of the active run. */
export function setTag(key: string, value: string): void {
  getDefaultCairn().setTag(key, value);
}

/** Sets tags of the active run. */
export function setTags(tags: Record<string, string>): void {
  getDefaultCairn().setTags(tags);
}

/** Saves text as an artifact of the active run. */
export function logText(text: string, artifactFile: string): Promise<void> {
  return getDefaultCairn().logText(text, artifactFile);
}

/** Saves an object as JSON or YAML as an artifact of the active run. */
export function logDict(value: unknown, artifactFile: string): Promise<void> {
  return getDefaultCairn().logDict(value, artifactFile);
}

/** Uploads a local file or directory as artifacts of the active run. */
export function logArtifact(localPath: string, artifactPath?: string): Promise<void> {
  return getDefaultCairn().logArtifact(localPath, artifactPath);
}

/** Logs one LLM call (see `Cairn.logLlmCall`). */
export function logLlmCall(call: LlmCall): Promise<LlmCallRecord> {
  return getDefaultCairn().logLlmCall(call);
}

/** Sends everything buffered now. */
export function flush(): Promise<void> {
  return getDefaultCairn().flush();
}
