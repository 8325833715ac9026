import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { FileInfo } from '@cairn/spec';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import { joinArtifactPath, safeArtifactPath } from './artifact-path.js';
import type { ArtifactDownload, ArtifactRepository, S3Settings } from './artifact-repository.js';

/** Upload part size: memory per upload is bounded by part size × queue size. */
const partSizeBytes = 8 * 1024 * 1024;
const uploadQueueSize = 4;

/** Artifacts under `s3://bucket/prefix`, streamed with multipart uploads. */
export class S3ArtifactRepository implements ArtifactRepository {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  /** `destination` is `s3://bucket[/prefix]`. */
  constructor(destination: string, settings: S3Settings = {}) {
    // Parsed by hand: URL would quietly resolve `..` in the prefix.
    const match = /^s3:\/\/([^/?#]+)(?:\/(.*))?$/.exec(destination);
    if (!match?.[1]) {
      throw invalidParameter(`Not an S3 URI: '${destination}'. Expected s3://bucket/prefix.`);
    }
    this.bucket = match[1];
    this.prefix = safeArtifactPath(match[2] ?? '');
    const { accessKeyId, secretAccessKey, sessionToken } = settings;
    this.client = new S3Client({
      endpoint: settings.endpointUrl,
      region: settings.region ?? 'us-east-1',
      forcePathStyle: settings.forcePathStyle,
      credentials:
        accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
      // Checksums only where S3 requires them: S3-compatible servers often reject the newer
      // default (streaming trailer checksums).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(path: string, body: Readable): Promise<void> {
    const key = this.key(path);
    if (key === this.prefix) throw invalidParameter('Invalid path');
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: partSizeBytes,
      queueSize: uploadQueueSize,
    });
    await upload.done();
  }

  async get(path: string): Promise<ArtifactDownload> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('S3 returned no body stream.');
      return { body: response.Body, size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) throw resourceDoesNotExist(`No such file or directory: '${path}'`);
      throw error;
    }
  }

  async list(path: string): Promise<FileInfo[]> {
    const relative = safeArtifactPath(path);
    const directoryKey = this.directoryKey(relative);
    const files: FileInfo[] = [];
    for await (const page of this.pages(directoryKey, '/')) {
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(directoryKey.length).replace(/\/$/, '');
        if (name) files.push({ path: joinArtifactPath(relative, name), is_dir: true });
      }
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(directoryKey.length);
        // An empty name is a "directory marker" object some tools create.
        if (name) {
          files.push({
            path: joinArtifactPath(relative, name),
            is_dir: false,
            file_size: object.Size ?? 0,
          });
        }
      }
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(path: string): Promise<void> {
    const relative = safeArtifactPath(path);
    const keys = relative === '' ? [] : [this.key(relative)];
    for await (const page of this.pages(this.directoryKey(relative))) {
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
    // DeleteObjects takes at most 1,000 keys; a missing key is not an error.
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const response = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failure = response.Errors?.[0];
      if (failure) throw new Error(`S3 could not delete '${failure.Key}': ${failure.Message}`);
    }
  }

  private key(path: string): string {
    return joinArtifactPath(this.prefix, safeArtifactPath(path));
  }

  private directoryKey(relative: string): string {
    const key = joinArtifactPath(this.prefix, relative);
    return key === '' ? '' : `${key}/`;
  }

  private async *pages(
    prefix: string,
    delimiter?: string,
  ): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' ||
      error.name === 'NotFound' ||
      error.$metadata.httpStatusCode === 404)
  );
}
