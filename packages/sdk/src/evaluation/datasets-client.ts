import type { CairnClientOptions } from '../client/cairn-client.js';
import { HttpTransport, type QueryValue } from '../client/http-transport.js';
import { parseTrackingUri } from '../client/tracking-uri.js';

/** A record of an evaluation dataset. */
export interface DatasetRecord {
  record_id?: string;
  inputs: unknown;
  expectations?: unknown;
  tags?: Record<string, string>;
  source?: unknown;
}

/** An evaluation dataset at its latest version. */
export interface EvaluationDataset {
  dataset_id: string;
  name: string;
  experiment_id?: string;
  description?: string;
  tags: Record<string, string>;
  version: number;
  digest: string;
  record_count: number;
  created_time: number;
  last_update_time: number;
}

/** One version of a dataset. */
export interface DatasetVersion {
  version: number;
  digest: string;
  record_count: number;
  source?: string;
  created_time: number;
}

/**
 * The tracking server's evaluation datasets (`/api/2.0/cairn/datasets/...`): versioned records
 * with inputs, expectations and tags, created from code, files or production traces.
 *
 * @example
 * const datasets = new DatasetsClient('http://127.0.0.1:5000');
 * const qa = await datasets.create('qa', { records: [{ inputs: { question: 'Hi?' }, expectations: { expected_response: 'Hello' } }] });
 */
export class DatasetsClient {
  readonly trackingUri: string;
  private readonly transport: HttpTransport;

  constructor(options: CairnClientOptions | string) {
    const resolved = typeof options === 'string' ? { trackingUri: options } : options;
    this.trackingUri = parseTrackingUri(resolved.trackingUri);
    this.transport = new HttpTransport(resolved);
  }

  /** Creates a dataset (version 1) with optional records. */
  async create(
    name: string,
    options: {
      experimentId?: string;
      description?: string;
      tags?: Record<string, string>;
      records?: DatasetRecord[];
      source?: string;
    } = {},
  ): Promise<EvaluationDataset> {
    const body = await this.post<{ dataset: EvaluationDataset }>('/datasets/create', {
      name,
      experiment_id: options.experimentId,
      description: options.description,
      tags: options.tags,
      records: options.records,
      source: options.source,
    });
    return body.dataset;
  }

  /** The dataset by name (or by id when it starts with `d-`). */
  async get(nameOrId: string): Promise<EvaluationDataset> {
    const body = await this.call<{ dataset: EvaluationDataset }>(
      'GET',
      '/datasets/get',
      key(nameOrId),
    );
    return body.dataset;
  }

  /** Adds records (a new version). */
  async addRecords(
    nameOrId: string,
    records: DatasetRecord[],
    source?: string,
  ): Promise<EvaluationDataset> {
    const body = await this.post<{ dataset: EvaluationDataset }>('/datasets/records/add', {
      ...key(nameOrId),
      records,
      source,
    });
    return body.dataset;
  }

  /** Every record of a version (the latest when none is given), following page tokens. */
  async records(
    nameOrId: string,
    version?: number,
  ): Promise<{ records: DatasetRecord[]; version: number; digest: string }> {
    const records: DatasetRecord[] = [];
    let pageToken: string | undefined;
    let page: {
      records: DatasetRecord[];
      version: number;
      digest: string;
      next_page_token?: string;
    };
    do {
      page = await this.call('GET', '/datasets/records', {
        ...key(nameOrId),
        version,
        max_results: 5000,
        page_token: pageToken,
      });
      records.push(...page.records);
      pageToken = page.next_page_token;
      // Pin the version after the first page so a concurrent change cannot mix versions.
      version = page.version;
    } while (pageToken);
    return { records, version: page.version, digest: page.digest };
  }

  /** Every version, oldest first. */
  async versions(nameOrId: string): Promise<DatasetVersion[]> {
    const body = await this.call<{ versions: DatasetVersion[] }>(
      'GET',
      '/datasets/versions',
      key(nameOrId),
    );
    return body.versions;
  }

  /** Adds records built from production traces (by id, or by experiment and trace filter). */
  async fromTraces(
    name: string,
    selection: {
      traceIds?: string[];
      experimentIds?: string[];
      filter?: string;
      maxTraces?: number;
    },
    options: { create?: boolean } = {},
  ): Promise<{ dataset: EvaluationDataset; added: number }> {
    const existing = options.create ? undefined : await this.get(name).catch(() => undefined);
    return this.post('/datasets/from-traces', {
      ...(existing ? { dataset_id: existing.dataset_id } : { name }),
      trace_ids: selection.traceIds,
      experiment_ids: selection.experimentIds,
      filter: selection.filter,
      max_traces: selection.maxTraces,
    });
  }

  private post<T>(path: string, json: object): Promise<T> {
    return this.transport.json<T>({
      method: 'POST',
      url: `${this.trackingUri}/api/2.0/cairn${path}`,
      json,
    });
  }

  private call<T>(method: 'GET', path: string, query: Record<string, QueryValue>): Promise<T> {
    return this.transport.json<T>({
      method,
      url: `${this.trackingUri}/api/2.0/cairn${path}`,
      query,
    });
  }
}

function key(nameOrId: string): { dataset_id: string } | { name: string } {
  return /^d-[0-9a-f]{32}$/.test(nameOrId) ? { dataset_id: nameOrId } : { name: nameOrId };
}
