import { AsyncLocalStorage } from 'node:async_hooks';
import { stat } from 'node:fs/promises';
import type { Experiment, PriceCatalogue, RunInfo, RunStatus } from '@cairn/spec';
import { CairnApiError, hasErrorCode } from '../client/cairn-api-error.js';
import { CairnClient, toMetric } from '../client/cairn-client.js';
import type { HttpTransportOptions } from '../client/http-transport.js';
import { defaultTrackingUri, readSdkEnvironment, type SdkEnvironment } from '../config.js';
import { loadPriceCatalogue } from '../llm/load-price-catalogue.js';
import { type LlmCall, type LlmCallRecord, logLlmCall } from '../llm/log-llm-call.js';
import {
  OtlpJsonExporter,
  type SpanExporter,
  Tracer,
  type TracerOptions,
} from '../tracing/index.js';
import { RunBuffer } from './run-buffer.js';

/** A run the fluent API logs to. */
export interface ActiveRun {
  runId: string;
  experimentId: string;
  info: RunInfo;
}

/** Options of `startRun` and `withRun`. */
export interface StartRunOptions {
  runName?: string;
  tags?: Record<string, string>;
  /** Start as a child of the active run (tag `mlflow.parentRunId`); required when one is active. */
  nested?: boolean;
  /** Experiment to start in; defaults to the one `setExperiment` chose, else the environment's. */
  experimentId?: string;
}

/** Options of a `Cairn` instance. */
export interface CairnOptions extends HttpTransportOptions {
  /** Tracking server; defaults to CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, then 127.0.0.1:5000. */
  trackingUri?: string;
  /** How long logged values may wait before they are sent (ms). */
  flushIntervalMs?: number;
  /** Receives failures of background flushes (timer, exit); defaults to a console warning. */
  onError?: (error: unknown) => void;
  /** Flush and end open runs when the process is about to exit (`beforeExit`); default true. */
  exitHook?: boolean;
  /** Prices for `logLlmCall`; defaults to the catalogue plus the CAIRN_PRICE_CATALOGUE file. */
  priceCatalogue?: PriceCatalogue;
  /** Environment to read settings from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Tracing: sampling ratio (default CAIRN_TRACE_SAMPLING_RATIO, else 1), queue and batch sizes. */
  tracing?: TracingOptions;
}

/** Tracing settings of a `Cairn`; `exporter` replaces the OTLP/JSON exporter (tests, other sinks). */
export type TracingOptions = Omit<TracerOptions, 'exporter' | 'activeRun' | 'experimentId'> & {
  exporter?: SpanExporter;
};

const metricsPerBatch = 1000;

/**
 * The fluent API over one tracking server: an experiment, a stack of active runs, and a buffer
 * that sends metrics, params and tags in `log-batch` calls (on a timer, on `flush()`, on
 * `endRun()` and before the process exits).
 *
 * @example
 * const cairn = new Cairn({ trackingUri: 'http://127.0.0.1:5000' });
 * await cairn.setExperiment('loan-chatbot-v1');
 * await cairn.withRun(async () => { cairn.logMetric('accuracy', 0.91); });
 */
export class Cairn {
  readonly client: CairnClient;
  private readonly settings: SdkEnvironment;
  private readonly flushIntervalMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly exitHook: boolean;
  private readonly buffer = new RunBuffer();
  private readonly runStack: ActiveRun[] = [];
  private readonly scopedRun = new AsyncLocalStorage<ActiveRun>();
  private readonly knownParams = new Map<string, Map<string, string>>();
  private readonly llmCallCounts = new Map<string, { calls: number; costUsd: number }>();
  private experimentId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private exitListenerInstalled = false;
  private priceCatalogue: PriceCatalogue | undefined;
  private readonly headers: Record<string, string>;
  private readonly tracingOptions: TracingOptions;
  private tracerInstance: Tracer | undefined;
  private readonly exitListener = (): void => {
    void this.shutdown();
  };

  constructor(options: CairnOptions = {}) {
    this.settings = readSdkEnvironment(options.env);
    const headers = { ...authHeaders(this.settings), ...options.headers };
    this.headers = headers;
    this.tracingOptions = {
      onError: options.onError,
      exitHook: options.exitHook,
      ...options.tracing,
    };
    this.client = new CairnClient({
      ...options,
      headers,
      trackingUri: options.trackingUri ?? this.settings.trackingUri ?? defaultTrackingUri,
    });
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.onError = options.onError ?? reportToConsole;
    this.exitHook = options.exitHook ?? true;
    this.priceCatalogue = options.priceCatalogue;
    this.experimentId = this.settings.experimentId;
  }

  /** The tracking server this instance logs to. */
  get trackingUri(): string {
    return this.client.trackingUri;
  }

  /**
   * The tracer of this instance, created on first use: spans go as OTLP/JSON to this server's
   * `/v1/traces`, into the active run's experiment (linked by `mlflow.sourceRun`) or else the
   * experiment `setExperiment` or the environment chose.
   */
  get tracer(): Tracer {
    if (!this.tracerInstance) {
      const { exporter, ...rest } = this.tracingOptions;
      this.tracerInstance = new Tracer({
        samplingRatio: this.settings.traceSamplingRatio,
        ...rest,
        exporter:
          exporter ??
          new OtlpJsonExporter({
            trackingUri: this.trackingUri,
            headers: this.headers,
            resolveExperimentId: () => this.resolveExperimentId(),
            resource: { 'service.name': this.settings.serviceName ?? 'unknown_service:node' },
          }),
        activeRun: () => this.activeRun(),
        experimentId: () => this.experimentId,
      });
    }
    return this.tracerInstance;
  }

  /** Makes `name` the experiment new runs start in, creating it when missing (as MLflow does). */
  async setExperiment(name: string): Promise<Experiment> {
    let experiment = await this.client.getExperimentByName(name);
    if (!experiment || experiment.lifecycle_stage === 'deleted') {
      if (experiment) {
        throw new CairnApiError({
          errorCode: 'INVALID_PARAMETER_VALUE',
          httpStatus: 400,
          isRetryable: false,
          message: `Experiment '${name}' is deleted; restore it or choose another name.`,
        });
      }
      try {
        await this.client.createExperiment(name);
      } catch (error) {
        // Another process created it between our lookup and create: use theirs.
        if (!hasErrorCode(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
      }
      experiment = await this.client.getExperimentByName(name);
      if (!experiment) throw new Error(`Experiment '${name}' vanished right after creation.`);
    }
    this.experimentId = experiment.experiment_id;
    return experiment;
  }

  /** Starts a run and makes it the active run (pushed on the run stack). */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const run = await this.createRun(options);
    this.runStack.push(run);
    this.installExitListener();
    return run;
  }

  /**
   * Runs `fn` inside a new run that is active only for `fn`'s async context; ends it FINISHED,
   * or FAILED when `fn` throws (the error is rethrown unchanged).
   */
  async withRun<T>(fn: (run: ActiveRun) => Promise<T> | T, options: StartRunOptions = {}) {
    const run = await this.createRun(options);
    this.installExitListener();
    let result: T;
    try {
      result = await this.scopedRun.run(run, () => fn(run));
    } catch (error) {
      await this.terminate(run, 'FAILED').catch(this.onError);
      throw error;
    }
    await this.terminate(run, 'FINISHED');
    return result;
  }

  /** The run logging goes to: the `withRun` run of this async context, else the top of the stack. */
  activeRun(): ActiveRun | undefined {
    return this.scopedRun.getStore() ?? this.runStack.at(-1);
  }

  /** Flushes and ends the active run started with `startRun` (FINISHED unless told otherwise). */
  async endRun(status: RunStatus = 'FINISHED'): Promise<void> {
    const run = this.runStack.at(-1);
    if (!run) return;
    this.runStack.pop();
    await this.terminate(run, status);
  }

  /** Buffers a param of the active run; a different value for a logged key throws at once. */
  logParam(key: string, value: unknown): void {
    this.bufferParam(this.requireRun().runId, key, String(value), false);
  }

  /** Buffers several params of the active run. */
  logParams(params: Record<string, unknown>): void {
    const { runId } = this.requireRun();
    for (const [key, value] of Object.entries(params))
      this.bufferParam(runId, key, String(value), false);
  }

  /** Buffers one metric value of the active run. */
  logMetric(key: string, value: number, options: { step?: number; timestamp?: number } = {}): void {
    this.bufferMetrics(this.requireRun().runId, { [key]: value }, options);
  }

  /** Buffers several metric values (same step and timestamp) of the active run. */
  logMetrics(metrics: Record<string, number>, options: { step?: number; timestamp?: number } = {}) {
    this.bufferMetrics(this.requireRun().runId, metrics, options);
  }

  /** Buffers a tag of the active run (last value wins). */
  setTag(key: string, value: string): void {
    this.buffer.addTag(this.requireRun().runId, key, String(value));
    this.scheduleFlush();
  }

  /** Buffers several tags of the active run. */
  setTags(tags: Record<string, string>): void {
    const { runId } = this.requireRun();
    for (const [key, value] of Object.entries(tags)) this.buffer.addTag(runId, key, String(value));
    this.scheduleFlush();
  }

  /** Uploads text as the active run's artifact `artifactFile`. */
  async logText(text: string, artifactFile: string): Promise<void> {
    await this.client.logText(this.requireRun().runId, text, artifactFile);
  }

  /** Uploads an object as JSON (YAML for .yaml/.yml names) as the active run's artifact. */
  async logDict(value: unknown, artifactFile: string): Promise<void> {
    await this.client.logDict(this.requireRun().runId, value, artifactFile);
  }

  /** Uploads a local file (or a directory's files) under `artifactPath` of the active run. */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const { runId } = this.requireRun();
    if ((await stat(localPath)).isDirectory()) {
      await this.client.logArtifacts(runId, localPath, artifactPath);
    } else {
      await this.client.logArtifact(runId, localPath, artifactPath);
    }
  }

  /** Logs one LLM call (params, prompt/response, tokens, latency, cost) to the active run or a new one. */
  logLlmCall(call: LlmCall): Promise<LlmCallRecord> {
    return logLlmCall(this, call);
  }

  /** Sends everything buffered (for `runId`, or for all runs) and waits for it. */
  flush(runId?: string): Promise<void> {
    if (this.timer && runId === undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batches = this.buffer.take(runId);
    // Chained so that flushes reach the server in the order values were logged.
    const sent = this.flushChain.then(async () => {
      for (const [id, entries] of batches) await this.client.logBatch(id, entries);
    });
    this.flushChain = sent.catch(() => {});
    return sent;
  }

  /**
   * Flushes and ends every run still open (FINISHED), as MLflow does at exit. Failures go to
   * `onError`; this never throws. Safe to call more than once.
   */
  async shutdown(): Promise<void> {
    this.removeExitListener();
    try {
      await this.flush();
    } catch (error) {
      this.onError(error);
    }
    // Flushed, not shut down: the instance stays usable after `shutdown`, as runs do.
    await this.tracerInstance?.flush();
    while (this.runStack.length > 0) {
      await this.endRun('FINISHED').catch(this.onError);
    }
  }

  // ---- used by logLlmCall ------------------------------------------------------------------

  /** @internal Buffers params, skipping (not throwing on) keys already logged with another value. */
  bufferParamsLeniently(runId: string, params: Record<string, string>): void {
    for (const [key, value] of Object.entries(params)) this.bufferParam(runId, key, value, true);
  }

  /** @internal Buffers metrics and tags for a run. */
  bufferForRun(
    runId: string,
    metrics: Record<string, number>,
    tags: Record<string, string>,
    step: number,
  ) {
    for (const [key, value] of Object.entries(tags)) this.buffer.addTag(runId, key, value);
    this.bufferMetrics(runId, metrics, { step });
  }

  /** @internal Counts an LLM call in a run; answers its index and the run's cost so far. */
  countLlmCall(runId: string, costUsd: number): { index: number; runCostUsd: number } {
    const totals = this.llmCallCounts.get(runId) ?? { calls: 0, costUsd: 0 };
    const index = totals.calls;
    totals.calls += 1;
    totals.costUsd += costUsd;
    this.llmCallCounts.set(runId, totals);
    return { index, runCostUsd: totals.costUsd };
  }

  /** @internal The experiment new runs go to, resolving an environment-named one once. */
  async resolveExperimentId(explicit?: string): Promise<string> {
    if (explicit) return explicit;
    if (this.experimentId) return this.experimentId;
    if (this.settings.experimentName) {
      return (await this.setExperiment(this.settings.experimentName)).experiment_id;
    }
    return '0';
  }

  /** @internal The price catalogue, with the CAIRN_PRICE_CATALOGUE override loaded once. */
  prices(): PriceCatalogue {
    this.priceCatalogue ??= loadPriceCatalogue(this.settings.priceCataloguePath);
    return this.priceCatalogue;
  }

  // ---- internals ---------------------------------------------------------------------------

  private async createRun(options: StartRunOptions): Promise<ActiveRun> {
    const parent = this.activeRun();
    if (parent && !options.nested) {
      throw new Error(
        `Run ${parent.runId} is already active. End it first, or pass { nested: true } to start a child run.`,
      );
    }
    const experimentId = await this.resolveExperimentId(options.experimentId);
    const tags = { ...options.tags, ...(parent ? { 'mlflow.parentRunId': parent.runId } : {}) };
    const run = await this.client.createRun(experimentId, { runName: options.runName, tags });
    return { runId: run.info.run_id, experimentId, info: run.info };
  }

  private async terminate(run: ActiveRun, status: RunStatus): Promise<void> {
    let flushError: unknown;
    try {
      await this.flush(run.runId);
    } catch (error) {
      flushError = error;
    }
    this.knownParams.delete(run.runId);
    this.llmCallCounts.delete(run.runId);
    await this.client.setTerminated(run.runId, status);
    if (this.runStack.length === 0 && this.buffer.isEmpty) this.removeExitListener();
    if (flushError !== undefined) throw flushError;
  }

  private requireRun(): ActiveRun {
    const run = this.activeRun();
    if (!run) throw new Error('No active run: call startRun() or withRun() first.');
    return run;
  }

  private bufferParam(runId: string, key: string, value: string, lenient: boolean): void {
    let known = this.knownParams.get(runId);
    if (!known) {
      known = new Map();
      this.knownParams.set(runId, known);
    }
    const previous = known.get(key);
    if (previous === value) return;
    if (previous !== undefined) {
      if (lenient) return;
      throw new CairnApiError({
        errorCode: 'INVALID_PARAMETER_VALUE',
        httpStatus: 400,
        isRetryable: false,
        message: `Changing param values is not allowed. Param with key='${key}' was already logged with value='${previous}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
      });
    }
    known.set(key, value);
    this.buffer.addParam(runId, key, value);
    this.scheduleFlush();
  }

  private bufferMetrics(
    runId: string,
    metrics: Record<string, number>,
    options: { step?: number; timestamp?: number },
  ): void {
    const timestamp = options.timestamp ?? Date.now();
    for (const [key, value] of Object.entries(metrics)) {
      this.buffer.addMetric(runId, toMetric({ key, value, timestamp, step: options.step }));
    }
    if (this.buffer.bufferedMetrics >= metricsPerBatch) this.flushInBackground();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.installExitListener();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground();
    }, this.flushIntervalMs);
    // A pending flush must not keep the process alive; `beforeExit` sends what is left.
    this.timer.unref();
  }

  private flushInBackground(): void {
    this.flush().catch(this.onError);
  }

  private installExitListener(): void {
    if (!this.exitHook || this.exitListenerInstalled) return;
    process.on('beforeExit', this.exitListener);
    this.exitListenerInstalled = true;
  }

  private removeExitListener(): void {
    if (!this.exitListenerInstalled) return;
    process.off('beforeExit', this.exitListener);
    this.exitListenerInstalled = false;
  }
}

function authHeaders(settings: SdkEnvironment): Record<string, string> {
  if (settings.trackingToken) return { authorization: `Bearer ${settings.trackingToken}` };
  if (settings.trackingUsername !== undefined && settings.trackingPassword !== undefined) {
    const credentials = `${settings.trackingUsername}:${settings.trackingPassword}`;
    return { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
  }
  return {};
}

function reportToConsole(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.warn(`[cairn] logging to the tracking server failed: ${message}`);
}
