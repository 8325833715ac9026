import { basename } from 'node:path';
import type {
  CreateExperimentResponse,
  DatasetInput,
  Experiment,
  FileInfo,
  GetExperimentResponse,
  GetMetricHistoryBulkIntervalResponse,
  GetMetricHistoryResponse,
  GetRunResponse,
  ListArtifactsResponse,
  Metric,
  MetricWithRunId,
  Run,
  RunInfo,
  RunStatus,
  SearchExperimentsResponse,
  SearchRunsResponse,
  Tag,
  UpdateRunResponse,
  ViewType,
} from '@cairn/spec';
import { stringify as toYaml } from 'yaml';
import { RegistryClient } from '../registry/registry-client.js';
import {
  confinedPath,
  type DownloadProgress,
  downloadFile,
  listLocalFiles,
  uploadFile,
} from './artifact-transfer.js';
import { artifactUrl, joinArtifactPath } from './artifact-uri.js';
import { hasErrorCode } from './cairn-api-error.js';
import { HttpTransport, type HttpTransportOptions, type QueryValue } from './http-transport.js';
import { type LogBatchEntries, splitLogBatch } from './split-log-batch.js';
import { parseTrackingUri } from './tracking-uri.js';

/** Options of a `CairnClient`. */
export interface CairnClientOptions extends HttpTransportOptions {
  /** `http(s)://host:port` of a Cairn (or MLflow) tracking server. */
  trackingUri: string;
}

/** A page of search results; `nextPageToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** Options shared by the search calls. */
export interface SearchOptions {
  filter?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

/** A metric value to log; NaN and ±Infinity are sent the way MLflow expects ("NaN", "Infinity"). */
export interface MetricInput {
  key: string;
  value: number | string;
  timestamp?: number;
  step?: number;
}

const api = '/api/2.0/mlflow';

/**
 * The low-level client of a tracking server, mirroring MLflow's `MlflowClient` in camelCase.
 * Every call is one (or, for paging and batching, a few) REST requests; failures throw
 * `CairnApiError`, transient ones after bounded retries.
 *
 * @example
 * const client = new CairnClient({ trackingUri: 'http://127.0.0.1:5000' });
 * const experimentId = await client.createExperiment('loan-chatbot-v1');
 * const run = await client.createRun(experimentId, { runName: 'baseline' });
 * await client.logMetric(run.info.run_id, 'latency_ms', 812);
 */
export class CairnClient {
  readonly trackingUri: string;
  private readonly transport: HttpTransport;
  // A run's artifact root never changes, so uploads after the first skip the lookup.
  private readonly artifactUris = new Map<string, string>();

  constructor(options: CairnClientOptions | string) {
    const resolved = typeof options === 'string' ? { trackingUri: options } : options;
    this.trackingUri = parseTrackingUri(resolved.trackingUri);
    this.transport = new HttpTransport(resolved);
    this.registry = new RegistryClient(resolved);
  }

  /**
   * The model and prompt registry of the same server (registered models, versions, stages,
   * aliases, `models:/` URIs, webhooks), with the same credentials and retries.
   *
   * @example await client.registry.registerModel(`runs:/${runId}/model`, 'loan-chain');
   */
  readonly registry: RegistryClient;

  // ---- experiments -------------------------------------------------------------------------

  /** Creates an experiment and returns its id. */
  async createExperiment(
    name: string,
    options: { artifactLocation?: string; tags?: Record<string, string> } = {},
  ): Promise<string> {
    const body = await this.post<CreateExperimentResponse>('/experiments/create', {
      name,
      artifact_location: options.artifactLocation,
      tags: toTags(options.tags),
    });
    return body.experiment_id;
  }

  /** The experiment with this id (deleted ones too). */
  async getExperiment(experimentId: string): Promise<Experiment> {
    const body = await this.get<GetExperimentResponse>('/experiments/get', {
      experiment_id: experimentId,
    });
    return body.experiment;
  }

  /** The experiment with this name, or undefined when there is none. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const body = await this.get<GetExperimentResponse>('/experiments/get-by-name', {
        experiment_name: name,
      });
      return body.experiment;
    } catch (error) {
      if (hasErrorCode(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }

  /** One page of experiments matching `filter` (e.g. `name LIKE 'loan%'`). */
  async searchExperiments(
    options: SearchOptions & { viewType?: ViewType } = {},
  ): Promise<Page<Experiment>> {
    const body = await this.post<SearchExperimentsResponse>('/experiments/search', {
      filter: options.filter,
      max_results: options.maxResults,
      order_by: options.orderBy,
      view_type: options.viewType,
      page_token: options.pageToken,
    });
    return { items: body.experiments ?? [], nextPageToken: body.next_page_token || undefined };
  }

  /** Renames an experiment (MLflow's `update_experiment`). */
  async updateExperiment(experimentId: string, newName: string): Promise<void> {
    await this.post('/experiments/update', { experiment_id: experimentId, new_name: newName });
  }

  /** Renames an experiment. */
  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.updateExperiment(experimentId, newName);
  }

  /** Soft-deletes an experiment (and so hides its runs). */
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.post('/experiments/delete', { experiment_id: experimentId });
  }

  /** Restores a soft-deleted experiment. */
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.post('/experiments/restore', { experiment_id: experimentId });
  }

  /** Sets (or overwrites) a tag on an experiment. */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.post('/experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
  }

  /** Removes a tag from an experiment. */
  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.post('/experiments/delete-experiment-tag', { experiment_id: experimentId, key });
  }

  // ---- runs --------------------------------------------------------------------------------

  /** Starts a run in an experiment and returns it (status RUNNING). */
  async createRun(
    experimentId: string,
    options: { runName?: string; startTime?: number; tags?: Record<string, string> } = {},
  ): Promise<Run> {
    const body = await this.post<GetRunResponse>('/runs/create', {
      experiment_id: experimentId,
      run_name: options.runName,
      start_time: options.startTime ?? Date.now(),
      tags: toTags(options.tags),
    });
    this.rememberArtifactUri(body.run);
    return body.run;
  }

  /** The run with its latest metric values, params, tags and inputs. */
  async getRun(runId: string): Promise<Run> {
    const body = await this.get<GetRunResponse>('/runs/get', { run_id: runId });
    this.rememberArtifactUri(body.run);
    return body.run;
  }

  /** Changes a run's status, end time or name; returns its updated info. */
  async updateRun(
    runId: string,
    options: { status?: RunStatus; endTime?: number; runName?: string },
  ): Promise<RunInfo> {
    const body = await this.post<UpdateRunResponse>('/runs/update', {
      run_id: runId,
      run_uuid: runId,
      status: options.status,
      end_time: options.endTime,
      run_name: options.runName,
    });
    return body.run_info;
  }

  /** Marks a run terminated: FINISHED unless told otherwise, end time now. */
  async setTerminated(runId: string, status: RunStatus = 'FINISHED'): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime: Date.now() });
  }

  /** Soft-deletes a run. */
  async deleteRun(runId: string): Promise<void> {
    await this.post('/runs/delete', { run_id: runId });
  }

  /** Restores a soft-deleted run. */
  async restoreRun(runId: string): Promise<void> {
    await this.post('/runs/restore', { run_id: runId });
  }

  /** One page of runs of the given experiments matching `filter`. */
  async searchRuns(
    experimentIds: string | string[],
    options: SearchOptions & { runViewType?: ViewType } = {},
  ): Promise<Page<Run>> {
    const body = await this.post<SearchRunsResponse>('/runs/search', {
      experiment_ids: Array.isArray(experimentIds) ? experimentIds : [experimentIds],
      filter: options.filter,
      order_by: options.orderBy,
      max_results: options.maxResults,
      run_view_type: options.runViewType,
      page_token: options.pageToken,
    });
    return { items: body.runs ?? [], nextPageToken: body.next_page_token || undefined };
  }

  /** Every run matching, following page tokens (`maxResults` is the page size). */
  async *iterateRuns(
    experimentIds: string | string[],
    options: Omit<SearchOptions, 'pageToken'> & { runViewType?: ViewType } = {},
  ): AsyncGenerator<Run> {
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns(experimentIds, { ...options, pageToken });
      yield* page.items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Sets (or overwrites) a run tag. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.post('/runs/set-tag', { run_id: runId, run_uuid: runId, key, value });
  }

  /** Removes a run tag. */
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.post('/runs/delete-tag', { run_id: runId, key });
  }

  /** Logs one metric value (timestamp now and step 0 unless given). */
  async logMetric(
    runId: string,
    key: string,
    value: number,
    options: { timestamp?: number; step?: number } = {},
  ): Promise<void> {
    const metric = toMetric({ key, value, ...options });
    await this.post('/runs/log-metric', { run_id: runId, run_uuid: runId, ...metric });
  }

  /** Logs a param; params are immutable once logged (the same value again is a no-op). */
  async logParam(runId: string, key: string, value: unknown): Promise<void> {
    await this.post('/runs/log-parameter', {
      run_id: runId,
      run_uuid: runId,
      key,
      value: String(value),
    });
  }

  /** Logs metrics, params and tags, in as many `log-batch` calls as MLflow's limits need. */
  async logBatch(
    runId: string,
    entries: {
      metrics?: MetricInput[];
      params?: { key: string; value: unknown }[];
      tags?: { key: string; value: string }[];
    },
  ): Promise<void> {
    const all: LogBatchEntries = {
      metrics: (entries.metrics ?? []).map(toMetric),
      params: (entries.params ?? []).map(({ key, value }) => ({ key, value: String(value) })),
      tags: entries.tags ?? [],
    };
    for (const batch of splitLogBatch(all)) {
      await this.post('/runs/log-batch', { run_id: runId, ...batch });
    }
  }

  /** Logs dataset inputs of a run. */
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    await this.post('/runs/log-inputs', { run_id: runId, datasets });
  }

  /** Every logged value of one metric of a run, following page tokens. */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const metrics: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.get<GetMetricHistoryResponse>('/metrics/get-history', {
        run_id: runId,
        run_uuid: runId,
        metric_key: key,
        page_token: pageToken,
      });
      metrics.push(...(body.metrics ?? []));
      pageToken = body.next_page_token || undefined;
    } while (pageToken);
    return metrics;
  }

  /** A metric's history across up to 100 runs, sampled to `maxResults` points per run. */
  async getMetricHistoryBulkInterval(
    runIds: string[],
    key: string,
    options: { startStep?: number; endStep?: number; maxResults?: number } = {},
  ): Promise<MetricWithRunId[]> {
    const body = await this.get<GetMetricHistoryBulkIntervalResponse>(
      '/metrics/get-history-bulk-interval',
      {
        run_ids: runIds,
        metric_key: key,
        start_step: options.startStep,
        end_step: options.endStep,
        max_results: options.maxResults,
      },
    );
    return body.metrics ?? [];
  }

  // ---- artifacts ---------------------------------------------------------------------------

  /** The files and directories directly under `path` of a run's artifacts (run-relative paths). */
  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    const files: FileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.get<ListArtifactsResponse>('/artifacts/list', {
        run_id: runId,
        run_uuid: runId,
        path: path || undefined,
        page_token: pageToken,
      });
      files.push(...(body.files ?? []));
      pageToken = body.next_page_token || undefined;
    } while (pageToken);
    return files;
  }

  /** Uploads a local file as `<artifactPath>/<file name>`, streamed. */
  async logArtifact(runId: string, localFile: string, artifactPath?: string): Promise<void> {
    const url = await this.artifactUrl(runId, joinArtifactPath(artifactPath, basename(localFile)));
    await uploadFile(this.transport, url, localFile);
  }

  /** Uploads every file under a local directory below `artifactPath`. */
  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    for (const file of await listLocalFiles(localDir)) {
      const url = await this.artifactUrl(runId, joinArtifactPath(artifactPath, file));
      await uploadFile(this.transport, url, `${localDir}/${file}`);
    }
  }

  /** Writes bytes (or a string, as UTF-8) to the run artifact `artifactFile`. */
  async logArtifactBytes(
    runId: string,
    data: Uint8Array | string,
    artifactFile: string,
  ): Promise<void> {
    const url = await this.artifactUrl(runId, artifactFile);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.transport.send({ method: 'PUT', url, body: () => bytes as Uint8Array<ArrayBuffer> });
  }

  /** Writes text to the run artifact `artifactFile` (e.g. `prompt.txt`). */
  async logText(runId: string, text: string, artifactFile: string): Promise<void> {
    await this.logArtifactBytes(runId, text, artifactFile);
  }

  /** Writes an object as JSON, or YAML when `artifactFile` ends in .yaml/.yml. */
  async logDict(runId: string, value: unknown, artifactFile: string): Promise<void> {
    const text = /\.ya?ml$/i.test(artifactFile)
      ? toYaml(value)
      : `${JSON.stringify(value, null, 2)}\n`;
    await this.logArtifactBytes(runId, text, artifactFile);
  }

  /**
   * Downloads a run artifact (a file, or a directory recursively) into `destDir`, streaming each
   * file to disk. Returns the local path of what `path` names.
   */
  async downloadArtifacts(
    runId: string,
    path: string,
    destDir: string,
    options: { onProgress?: (progress: DownloadProgress) => void } = {},
  ): Promise<string> {
    const normalized = joinArtifactPath(path);
    const files = await this.artifactFilesUnder(runId, normalized);
    let totalBytes = 0;
    let filesDone = 0;
    for (const file of files) {
      const local = confinedPath(destDir, file.path);
      const url = await this.artifactUrl(runId, file.path);
      const before = totalBytes;
      await downloadFile(this.transport, url, local, (fileBytes, fileSize) => {
        totalBytes = before + fileBytes;
        options.onProgress?.({
          path: file.path,
          fileBytes,
          fileSize: fileSize ?? file.file_size,
          totalBytes,
          filesDone,
        });
      });
      filesDone += 1;
    }
    return confinedPath(destDir, normalized);
  }

  /** The files to fetch for `path`: itself when it is a file, else every file below it. */
  private async artifactFilesUnder(runId: string, path: string): Promise<FileInfo[]> {
    const listing = await this.listArtifacts(runId, path);
    const isFile =
      path !== '' &&
      (listing.length === 0 ||
        (listing.length === 1 && listing[0]?.path === path && !listing[0].is_dir));
    if (isFile) return [{ path, is_dir: false, file_size: listing[0]?.file_size }];
    const files: FileInfo[] = [];
    for (const entry of listing) {
      if (entry.is_dir) files.push(...(await this.artifactFilesUnder(runId, entry.path)));
      else files.push(entry);
    }
    return files;
  }

  private async artifactUrl(runId: string, path: string): Promise<string> {
    let artifactUri = this.artifactUris.get(runId);
    if (artifactUri === undefined) {
      artifactUri = (await this.getRun(runId)).info.artifact_uri;
    }
    return artifactUrl(this.trackingUri, artifactUri, path);
  }

  private rememberArtifactUri(run: Run): void {
    if (run.info.artifact_uri) this.artifactUris.set(run.info.run_id, run.info.artifact_uri);
  }

  private get<T>(path: string, query: Record<string, QueryValue>): Promise<T> {
    return this.transport.json<T>({
      method: 'GET',
      url: `${this.trackingUri}${api}${path}`,
      query,
    });
  }

  private post<T = Record<string, never>>(path: string, json: object): Promise<T> {
    return this.transport.json<T>({
      method: 'POST',
      url: `${this.trackingUri}${api}${path}`,
      json,
    });
  }
}

function toTags(tags: Record<string, string> | undefined): Tag[] | undefined {
  return tags === undefined
    ? undefined
    : Object.entries(tags).map(([key, value]) => ({ key, value: String(value) }));
}

/** A metric as the wire wants it: non-finite values as MLflow's strings, defaults filled in. */
export function toMetric(input: MetricInput): Metric {
  const { value } = input;
  return {
    key: input.key,
    value:
      typeof value === 'string'
        ? value
        : Number.isNaN(value)
          ? 'NaN'
          : value === Number.POSITIVE_INFINITY
            ? 'Infinity'
            : value === Number.NEGATIVE_INFINITY
              ? '-Infinity'
              : value,
    timestamp: input.timestamp ?? Date.now(),
    step: input.step ?? 0,
  };
}
