import { Readable } from 'node:stream';
import {
  BlobServiceClient,
  type ContainerClient,
  RestError,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { FileInfo } from '@cairn/spec';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import { joinArtifactPath, safeArtifactPath } from './artifact-path.js';
import type { ArtifactDownload, ArtifactRepository, AzureSettings } from './artifact-repository.js';

/** Block size and parallel blocks per upload: memory per upload is bounded by their product. */
const blockSizeBytes = 8 * 1024 * 1024;
const uploadConcurrency = 4;
const deleteConcurrency = 16;

/**
 * Artifacts in an Azure Blob container, named by
 * `wasbs://container@account.blob.core.windows.net/prefix` (MLflow's form; the account comes from
 * the host) or `azure://container/prefix` (the account comes from the connection string, as with
 * Azurite).
 */
export class AzureArtifactRepository implements ArtifactRepository {
  private readonly container: ContainerClient;
  private readonly prefix: string;

  constructor(destination: string, settings: AzureSettings = {}) {
    const { containerName, accountName, prefix } = parseAzureDestination(destination);
    this.prefix = prefix;
    this.container = serviceClient(accountName, settings, destination).getContainerClient(
      containerName,
    );
  }

  async put(path: string, body: Readable): Promise<void> {
    const name = this.name(path);
    if (name === this.prefix) throw invalidParameter('Invalid path');
    await this.container
      .getBlockBlobClient(name)
      .uploadStream(body, blockSizeBytes, uploadConcurrency);
  }

  async get(path: string): Promise<ArtifactDownload> {
    try {
      const response = await this.container.getBlobClient(this.name(path)).download();
      const body = response.readableStreamBody;
      if (!(body instanceof Readable)) throw new Error('Azure returned no body stream.');
      return { body, size: response.contentLength ?? 0 };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) {
        throw resourceDoesNotExist(`No such file or directory: '${path}'`);
      }
      throw error;
    }
  }

  async list(path: string): Promise<FileInfo[]> {
    const relative = safeArtifactPath(path);
    const directory = this.directoryName(relative);
    const files: FileInfo[] = [];
    for await (const item of this.container.listBlobsByHierarchy('/', { prefix: directory })) {
      const name = item.name.slice(directory.length).replace(/\/$/, '');
      if (name === '') continue;
      files.push(
        item.kind === 'prefix'
          ? { path: joinArtifactPath(relative, name), is_dir: true }
          : {
              path: joinArtifactPath(relative, name),
              is_dir: false,
              file_size: item.properties.contentLength ?? 0,
            },
      );
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(path: string): Promise<void> {
    const relative = safeArtifactPath(path);
    const names = relative === '' ? [] : [this.name(relative)];
    for await (const blob of this.container.listBlobsFlat({
      prefix: this.directoryName(relative),
    })) {
      names.push(blob.name);
    }
    for (let start = 0; start < names.length; start += deleteConcurrency) {
      await Promise.all(
        names
          .slice(start, start + deleteConcurrency)
          .map((name) => this.container.deleteBlob(name).catch(ignoreNotFound)),
      );
    }
  }

  private name(path: string): string {
    return joinArtifactPath(this.prefix, safeArtifactPath(path));
  }

  private directoryName(relative: string): string {
    const name = joinArtifactPath(this.prefix, relative);
    return name === '' ? '' : `${name}/`;
  }
}

interface AzureDestination {
  containerName: string;
  accountName?: string;
  prefix: string;
}

/** Splits a `wasbs://`, `wasb://` or `azure://` destination into container, account and prefix. */
export function parseAzureDestination(destination: string): AzureDestination {
  const match =
    /^(wasbs?):\/\/([^@/]+)@([^./]+)\.blob\.core\.windows\.net(?:\/(.*))?$/.exec(destination) ??
    /^(azure):\/\/([^@/]+)(?:\/(.*))?$/.exec(destination);
  if (!match?.[2]) {
    throw invalidParameter(
      `Not an Azure Blob URI: '${destination}'. Expected wasbs://container@account.blob.core.windows.net/prefix or azure://container/prefix.`,
    );
  }
  const isAzure = match[1] === 'azure';
  const prefix = (isAzure ? match[3] : match[4]) ?? '';
  return {
    containerName: match[2],
    accountName: isAzure ? undefined : match[3],
    prefix: safeArtifactPath(prefix),
  };
}

function serviceClient(
  accountName: string | undefined,
  settings: AzureSettings,
  destination: string,
): BlobServiceClient {
  if (settings.connectionString) {
    return BlobServiceClient.fromConnectionString(settings.connectionString);
  }
  const account = accountName ?? settings.accountName;
  if (account && settings.accountKey) {
    return new BlobServiceClient(
      `https://${account}.blob.core.windows.net`,
      new StorageSharedKeyCredential(account, settings.accountKey),
    );
  }
  throw invalidParameter(
    `No Azure credentials for '${destination}': set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCESS_KEY (with AZURE_STORAGE_ACCOUNT for azure:// URIs).`,
  );
}

function ignoreNotFound(error: unknown): void {
  if (error instanceof RestError && error.statusCode === 404) return;
  throw error;
}
