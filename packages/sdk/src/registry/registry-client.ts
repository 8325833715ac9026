import type {
  ModelStage,
  ModelVersion,
  RegisteredModel,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookTestResult,
} from '@cairn/spec';
import { hasErrorCode } from '../client/cairn-api-error.js';
import {
  CairnClient,
  type CairnClientOptions,
  type Page,
  type SearchOptions,
} from '../client/cairn-client.js';
import { HttpTransport, type QueryValue } from '../client/http-transport.js';
import { parseTrackingUri } from '../client/tracking-uri.js';
import { parseRegistryUri } from './model-uri.js';
import { downloadProxiedDirectory } from './proxied-download.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const toTags = (tags?: Record<string, string>) =>
  tags && Object.entries(tags).map(([key, value]) => ({ key, value: String(value) }));

/**
 * The model registry client: every MLflow registry RPC in camelCase, `models:/` URI resolution,
 * artifact download, Cairn's lineage and model cards, and webhooks. Shares the SDK's HTTP
 * transport (retries, MLflow errors as `CairnApiError`).
 *
 * @example
 * const registry = new RegistryClient('http://127.0.0.1:5000');
 * await registry.registerModel(`runs:/${runId}/model`, 'fraud');
 * await registry.setRegisteredModelAlias('fraud', 'champion', '1');
 * const version = await registry.resolveModelUri('models:/fraud@champion');
 */
export class RegistryClient {
  readonly trackingUri: string;
  private readonly transport: HttpTransport;
  private readonly options: CairnClientOptions;

  constructor(options: CairnClientOptions | string) {
    this.options = typeof options === 'string' ? { trackingUri: options } : options;
    this.trackingUri = parseTrackingUri(this.options.trackingUri);
    this.transport = new HttpTransport(this.options);
  }

  // ---- registered models ----------------------------------------------------------------

  /** Creates a registered model. */
  async createRegisteredModel(
    name: string,
    options: { tags?: Record<string, string>; description?: string } = {},
  ): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: RegisteredModel }>(
      'POST',
      '/registered-models/create',
      {
        name,
        tags: toTags(options.tags),
        description: options.description,
      },
    );
    return body.registered_model;
  }

  /** A registered model with its latest versions, tags and aliases. */
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (
      await this.call<{ registered_model: RegisteredModel }>('GET', '/registered-models/get', {
        name,
      })
    ).registered_model;
  }

  /** Renames a registered model (its versions and aliases follow). */
  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (
      await this.call<{ registered_model: RegisteredModel }>('POST', '/registered-models/rename', {
        name,
        new_name: newName,
      })
    ).registered_model;
  }

  /** Changes a registered model's description. */
  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    return (
      await this.call<{ registered_model: RegisteredModel }>('PATCH', '/registered-models/update', {
        name,
        description,
      })
    ).registered_model;
  }

  /** Deletes a registered model and all its versions. */
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.call('DELETE', '/registered-models/delete', { name });
  }

  /** One page of registered models (filter on `name` and `tags.<key>`). */
  async searchRegisteredModels(options: SearchOptions = {}): Promise<Page<RegisteredModel>> {
    const body = await this.call<{
      registered_models?: RegisteredModel[];
      next_page_token?: string;
    }>('GET', '/registered-models/search', searchQuery(options));
    return { items: body.registered_models ?? [], nextPageToken: body.next_page_token };
  }

  /** The newest version in each stage (or in the given stages). */
  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    const body = await this.call<{ model_versions?: ModelVersion[] }>(
      'POST',
      '/registered-models/get-latest-versions',
      { name, stages },
    );
    return body.model_versions ?? [];
  }

  /** Sets a registered-model tag. */
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.call('POST', '/registered-models/set-tag', { name, key, value });
  }

  /** Deletes a registered-model tag. */
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.call('DELETE', '/registered-models/delete-tag', { name, key });
  }

  /** Points an alias at a version (moving it if it pointed elsewhere). */
  async setRegisteredModelAlias(name: string, alias: string, version: string | number) {
    await this.call('POST', '/registered-models/alias', { name, alias, version: String(version) });
  }

  /** Removes an alias. */
  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', '/registered-models/alias', { name, alias });
  }

  /** The version an alias points at. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (
      await this.call<{ model_version: ModelVersion }>('GET', '/registered-models/alias', {
        name,
        alias,
      })
    ).model_version;
  }

  // ---- model versions ---------------------------------------------------------------------

  /** Creates the next version of a model from `source` (`runs:/…` or `mlflow-artifacts:/…`). */
  async createModelVersion(
    name: string,
    source: string,
    options: {
      runId?: string;
      tags?: Record<string, string>;
      runLink?: string;
      description?: string;
    } = {},
  ): Promise<ModelVersion> {
    return (
      await this.call<{ model_version: ModelVersion }>('POST', '/model-versions/create', {
        name,
        source,
        run_id: options.runId,
        tags: toTags(options.tags),
        run_link: options.runLink,
        description: options.description,
      })
    ).model_version;
  }

  /** A model version. */
  async getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return (
      await this.call<{ model_version: ModelVersion }>('GET', '/model-versions/get', {
        name,
        version: String(version),
      })
    ).model_version;
  }

  /** Changes a version's description. */
  async updateModelVersion(name: string, version: string | number, description: string) {
    return (
      await this.call<{ model_version: ModelVersion }>('PATCH', '/model-versions/update', {
        name,
        version: String(version),
        description,
      })
    ).model_version;
  }

  /** Deletes a version (its number is never reused). */
  async deleteModelVersion(name: string, version: string | number): Promise<void> {
    await this.call('DELETE', '/model-versions/delete', { name, version: String(version) });
  }

  /** One page of versions (filter on name, version_number, run_id, source_path, tags). */
  async searchModelVersions(options: SearchOptions = {}): Promise<Page<ModelVersion>> {
    const body = await this.call<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
      'GET',
      '/model-versions/search',
      searchQuery(options),
    );
    return { items: body.model_versions ?? [], nextPageToken: body.next_page_token };
  }

  /** Where a version's files are (an artifact URI). */
  async getModelVersionDownloadUri(name: string, version: string | number): Promise<string> {
    return (
      await this.call<{ artifact_uri: string }>('GET', '/model-versions/get-download-uri', {
        name,
        version: String(version),
      })
    ).artifact_uri;
  }

  /** Moves a version to a stage; `archiveExistingVersions` archives the stage's others. */
  async transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: ModelStage | string,
    archiveExistingVersions = false,
  ): Promise<ModelVersion> {
    return (
      await this.call<{ model_version: ModelVersion }>('POST', '/model-versions/transition-stage', {
        name,
        version: String(version),
        stage,
        archive_existing_versions: archiveExistingVersions,
      })
    ).model_version;
  }

  /** Sets a version tag. */
  async setModelVersionTag(name: string, version: string | number, key: string, value: string) {
    await this.call('POST', '/model-versions/set-tag', {
      name,
      version: String(version),
      key,
      value,
    });
  }

  /** Deletes a version tag. */
  async deleteModelVersionTag(name: string, version: string | number, key: string) {
    await this.call('DELETE', '/model-versions/delete-tag', {
      name,
      version: String(version),
      key,
    });
  }

  // ---- conveniences -----------------------------------------------------------------------

  /**
   * MLflow's `register_model`: creates the registered model unless it exists (an existing name
   * is fine), then a version from `modelUri` (`runs:/<run_id>/<path>` or `mlflow-artifacts:/…`).
   */
  async registerModel(
    modelUri: string,
    name: string,
    options: { tags?: Record<string, string>; description?: string } = {},
  ): Promise<ModelVersion> {
    try {
      await this.createRegisteredModel(name);
    } catch (error) {
      if (!hasErrorCode(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
    }
    const runId = /^runs:\/([^/]+)/.exec(modelUri)?.[1];
    return this.createModelVersion(name, modelUri, { ...options, runId });
  }

  /** The version a `models:/` URI names: a number, a stage, `latest` or `@alias`. */
  async resolveModelUri(uri: string): Promise<ModelVersion> {
    const reference = parseRegistryUri(uri, 'models');
    switch (reference.kind) {
      case 'version':
        return this.getModelVersion(reference.name, reference.version);
      case 'alias':
        return this.getModelVersionByAlias(reference.name, reference.alias);
      case 'stage':
      case 'latest': {
        const versions = await this.getLatestVersions(
          reference.name,
          reference.kind === 'stage' ? [reference.stage] : [],
        );
        const newest = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
        if (!newest)
          throw new Error(
            reference.kind === 'stage'
              ? `Model '${reference.name}' has no version in stage ${reference.stage}.`
              : `Model '${reference.name}' has no versions.`,
          );
        return newest;
      }
    }
  }

  /**
   * Downloads the files of the version `uri` names into `destDir` through the artifact proxy;
   * returns the local directory (or file) holding them.
   */
  async loadModelArtifacts(uri: string, destDir: string): Promise<string> {
    const version = await this.resolveModelUri(uri);
    const runSource = /^runs:\/([^/]+)\/?(.*)$/.exec(version.source);
    if (runSource) {
      const client = new CairnClient(this.options);
      return client.downloadArtifacts(runSource[1]!, runSource[2] ?? '', destDir);
    }
    const artifactUri = await this.getModelVersionDownloadUri(version.name, version.version);
    return downloadProxiedDirectory(this.transport, this.trackingUri, artifactUri, destDir);
  }

  /** Cairn's lineage: version → run → params, metrics, datasets, evaluation runs, history. */
  async getLineage(name: string, version: string | number): Promise<Record<string, unknown>> {
    return this.call(
      'GET',
      '/registered-models/lineage',
      { name, version: String(version) },
      'cairn',
    );
  }

  /** The model card of a version, as Markdown (default) or JSON. */
  async getModelCard(
    name: string,
    version: string | number,
    format: 'markdown' | 'json' = 'markdown',
  ) {
    const url = `${this.trackingUri}/api/2.0/cairn/model-versions/card`;
    const response = await this.transport.send({
      method: 'GET',
      url,
      query: { name, version: String(version), format },
    });
    const text = await response.text();
    return format === 'json'
      ? (JSON.parse(text) as { model_card: Record<string, unknown> }).model_card
      : text;
  }

  // ---- webhooks ---------------------------------------------------------------------------

  /** Creates a webhook (events as `{entity: 'MODEL_VERSION', action: 'CREATED'}`). */
  async createWebhook(webhook: {
    name: string;
    url: string;
    events: WebhookEvent[];
    secret?: string;
    description?: string;
    status?: 'ACTIVE' | 'DISABLED';
  }): Promise<Webhook> {
    return (await this.call<{ webhook: Webhook }>('POST', '/webhooks', webhook)).webhook;
  }

  /** One page of webhooks. */
  async listWebhooks(
    options: { maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Webhook>> {
    const body = await this.call<{ webhooks?: Webhook[]; next_page_token?: string }>(
      'GET',
      '/webhooks',
      {
        max_results: options.maxResults,
        page_token: options.pageToken,
      },
    );
    return { items: body.webhooks ?? [], nextPageToken: body.next_page_token };
  }

  /** A webhook (never its secret). */
  async getWebhook(webhookId: string): Promise<Webhook> {
    return (
      await this.call<{ webhook: Webhook }>('GET', `/webhooks/${encodeURIComponent(webhookId)}`, {})
    ).webhook;
  }

  /** Changes any of a webhook's fields. */
  async updateWebhook(
    webhookId: string,
    changes: Partial<Parameters<RegistryClient['createWebhook']>[0]>,
  ) {
    return (
      await this.call<{ webhook: Webhook }>(
        'PATCH',
        `/webhooks/${encodeURIComponent(webhookId)}`,
        changes,
      )
    ).webhook;
  }

  /** Deletes a webhook. */
  async deleteWebhook(webhookId: string): Promise<void> {
    await this.call('DELETE', `/webhooks/${encodeURIComponent(webhookId)}`, {});
  }

  /** Sends one example event to the webhook now and reports the answer. */
  async testWebhook(webhookId: string, event?: WebhookEvent): Promise<WebhookTestResult> {
    return (
      await this.call<{ result: WebhookTestResult }>(
        'POST',
        `/webhooks/${encodeURIComponent(webhookId)}/test`,
        {
          event,
        },
      )
    ).result;
  }

  /** The delivery log of a webhook, newest first. */
  async listWebhookDeliveries(webhookId: string): Promise<WebhookDelivery[]> {
    return (
      await this.call<{ deliveries: WebhookDelivery[] }>(
        'GET',
        `/webhooks/${encodeURIComponent(webhookId)}/deliveries`,
        {},
        'cairn',
      )
    ).deliveries;
  }

  private call<T = Record<string, never>>(
    method: Method,
    path: string,
    fields: Record<string, unknown>,
    api: 'mlflow' | 'cairn' = 'mlflow',
  ): Promise<T> {
    const url = `${this.trackingUri}/api/2.0/${api}${path}`;
    if (method === 'GET')
      return this.transport.json<T>({ method, url, query: fields as Record<string, QueryValue> });
    return this.transport.json<T>({ method, url, json: fields });
  }
}

function searchQuery(options: SearchOptions): Record<string, QueryValue> {
  return {
    filter: options.filter,
    max_results: options.maxResults,
    order_by: options.orderBy,
    page_token: options.pageToken,
  };
}
