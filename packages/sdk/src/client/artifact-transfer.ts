import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { HttpTransport } from './http-transport.js';

/** Progress of `downloadArtifacts`, reported as bytes arrive. */
export interface DownloadProgress {
  /** Run-relative path of the file being written. */
  path: string;
  /** Bytes of this file written so far, and its size when the server said. */
  fileBytes: number;
  fileSize?: number;
  /** Bytes of all files written so far. */
  totalBytes: number;
  /** Files finished so far. */
  filesDone: number;
}

/** Sends a local file to `url` with PUT, streamed (never held in memory whole). */
export async function uploadFile(
  transport: HttpTransport,
  url: string,
  localFile: string,
): Promise<void> {
  const info = await stat(localFile);
  if (!info.isFile()) throw new Error(`'${localFile}' is not a file.`);
  await transport.send({
    method: 'PUT',
    url,
    body: () => Readable.toWeb(createReadStream(localFile)) as ReadableStream<Uint8Array>,
  });
}

/** Every file under `dir`, as paths relative to it with '/' separators. */
export async function listLocalFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * Streams `url` into `localFile` through a temporary file renamed at the end, so that an
 * interrupted download never leaves a truncated file under the final name.
 */
export async function downloadFile(
  transport: HttpTransport,
  url: string,
  localFile: string,
  onBytes: (bytes: number, fileSize: number | undefined) => void,
): Promise<number> {
  const response = await transport.send({ method: 'GET', url });
  const lengthHeader = response.headers.get('content-length');
  const fileSize = lengthHeader === null ? undefined : Number(lengthHeader);
  await mkdir(dirname(localFile), { recursive: true });
  const partial = `${localFile}.partial-${process.pid}`;
  let written = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      onBytes(written, fileSize);
      callback(null, chunk);
    },
  });
  try {
    if (response.body) {
      await pipeline(
        Readable.fromWeb(response.body as NodeWebStream<Uint8Array>),
        counter,
        createWriteStream(partial),
      );
    } else {
      await pipeline(Readable.from([]), createWriteStream(partial));
    }
    await rename(partial, localFile);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return written;
}

/** `destDir` joined with a run-relative path, refusing anything that would land outside it. */
export function confinedPath(destDir: string, artifactPath: string): string {
  const root = resolve(destDir);
  const target = resolve(root, ...artifactPath.split('/'));
  if (target !== root && !target.startsWith(root + sep)) {
    throw new Error(`Artifact path '${artifactPath}' would be written outside '${destDir}'.`);
  }
  return target;
}
