import type { Readable } from 'node:stream';
import type { FileInfo } from '@cairn/spec';

/** A stored file opened for reading. */
export interface ArtifactDownload {
  /** The file's bytes, streamed; the caller must consume or destroy it. */
  body: Readable;
  /** Size in bytes. */
  size: number;
}

/**
 * Where artifact bytes live: local disk, S3 or Azure Blob. Paths are relative to the repository
 * root, use `/` and have already passed `safeArtifactPath` (the routes check them; the local
 * repository checks again against symlinks). `''` names the root.
 */
export interface ArtifactRepository {
  /** Streams `body` into the file at `path`, creating parent directories, replacing any file there. */
  put(path: string, body: Readable): Promise<void>;
  /** Opens the file at `path`; RESOURCE_DOES_NOT_EXIST when there is no file there. */
  get(path: string): Promise<ArtifactDownload>;
  /**
   * The direct children of the directory at `path`, paths relative to the repository root
   * (MLflow's `list_artifacts`); `file_size` only for files. Empty for a missing directory or a file.
   */
  list(path: string): Promise<FileInfo[]>;
  /** Deletes the file at `path`, or the whole tree under it; nothing there is not an error. */
  delete(path: string): Promise<void>;
}

/** S3 connection settings; unset fields fall back to the AWS SDK's own defaults. */
export interface S3Settings {
  /** A custom endpoint (MinIO, Ceph, s3rver…); AWS when unset. */
  endpointUrl?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** `bucket` in the path rather than the host name; most S3-compatible servers need it. */
  forcePathStyle?: boolean;
}

/** Azure Blob credentials: a connection string, or an account name and key. */
export interface AzureSettings {
  connectionString?: string;
  accountName?: string;
  accountKey?: string;
}

/** Credentials and endpoints for the remote stores, read from the environment by config.ts. */
export interface ArtifactStoreSettings {
  s3?: S3Settings;
  azure?: AzureSettings;
}
