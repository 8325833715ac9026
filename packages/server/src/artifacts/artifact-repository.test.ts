import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CairnError } from '../errors.js';
import { type ArtifactRepository, openArtifactRepository } from './index.js';
import { startAzurite } from './test-kit/start-azurite.js';
import { startS3rver } from './test-kit/start-s3rver.js';

/** A store the conformance suite runs against: `open` gives a repository on a fresh prefix. */
interface StoreUnderTest {
  name: string;
  start(): Promise<{ open(prefix: string): Promise<ArtifactRepository>; stop(): Promise<void> }>;
}

const stores: StoreUnderTest[] = [
  {
    name: 'local disk',
    start: async () => {
      const root = mkdtempSync(join(tmpdir(), 'cairn-artifacts-'));
      return {
        open: (prefix) => openArtifactRepository(join(root, prefix)),
        stop: async () => rmSync(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3 (s3rver)',
    start: async () => {
      const s3rver = await startS3rver('cairn-test');
      return {
        open: (prefix) =>
          openArtifactRepository(`s3://cairn-test/${prefix}`, { s3: s3rver.settings }),
        stop: s3rver.stop,
      };
    },
  },
  {
    name: 'Azure Blob (Azurite)',
    start: async () => {
      const azurite = await startAzurite('cairn-test');
      return {
        open: (prefix) =>
          openArtifactRepository(`azure://cairn-test/${prefix}`, {
            azure: { connectionString: azurite.connectionString },
          }),
        stop: azurite.stop,
      };
    },
  },
];

const text = (value: string) => Readable.from([Buffer.from(value)]);

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function errorOf(promise: Promise<unknown>): Promise<CairnError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CairnError)) throw new Error(`expected a CairnError, got ${error}`);
  return error;
}

describe.each(stores)('artifact repository on $name', (store) => {
  let harness: Awaited<ReturnType<StoreUnderTest['start']>>;
  let repository: ArtifactRepository;
  let testNumber = 0;

  beforeAll(async () => {
    harness = await store.start();
  });
  afterAll(async () => {
    await harness?.stop();
  });
  // Each test gets its own prefix under the shared server, so tests never see each other's files.
  const fresh = async () => {
    testNumber += 1;
    repository = await harness.open(`t${testNumber}/root`);
    return repository;
  };

  it('stores a file and reads it back with its size, replacing on a second put', async () => {
    const repo = await fresh();
    await repo.put('model/MLmodel', text('flavors: {}\n'));
    const first = await repo.get('model/MLmodel');
    expect(first.size).toBe(12);
    expect(await readAll(first.body)).toBe('flavors: {}\n');
    await repo.put('model/MLmodel', text('v2'));
    const second = await repo.get('model/MLmodel');
    expect([second.size, await readAll(second.body)]).toEqual([2, 'v2']);
  });

  it('lists direct children of nested directories with root-relative paths', async () => {
    const repo = await fresh();
    await repo.put('a/b/c.txt', text('ccc'));
    await repo.put('a/d.txt', text('dddd'));
    await repo.put('e.json', text('{}'));
    await repo.put('empty', Readable.from([]));
    expect(await repo.list('')).toEqual([
      { path: 'a', is_dir: true },
      { path: 'e.json', is_dir: false, file_size: 2 },
      { path: 'empty', is_dir: false, file_size: 0 },
    ]);
    expect(await repo.list('a')).toEqual([
      { path: 'a/b', is_dir: true },
      { path: 'a/d.txt', is_dir: false, file_size: 4 },
    ]);
    expect(await repo.list('a/b/')).toEqual([{ path: 'a/b/c.txt', is_dir: false, file_size: 3 }]);
    expect(await repo.list('missing')).toEqual([]);
    expect(await repo.list('e.json')).toEqual([]);
  });

  it('deletes a file, a directory tree, and tolerates deleting nothing', async () => {
    const repo = await fresh();
    await repo.put('keep.txt', text('k'));
    await repo.put('dir/one.txt', text('1'));
    await repo.put('dir/sub/two.txt', text('2'));
    await repo.put('dir-sibling.txt', text('s'));
    await repo.delete('keep.txt');
    expect((await errorOf(repo.get('keep.txt'))).errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
    await repo.delete('dir');
    expect(await repo.list('dir')).toEqual([]);
    expect(await repo.list('')).toEqual([{ path: 'dir-sibling.txt', is_dir: false, file_size: 1 }]);
    await repo.delete('never/was');
    await repo.delete('');
    expect(await repo.list('')).toEqual([]);
  });

  it('answers RESOURCE_DOES_NOT_EXIST for a missing file or a directory', async () => {
    const repo = await fresh();
    await repo.put('dir/file.txt', text('x'));
    const missing = await errorOf(repo.get('nope.txt'));
    expect([missing.errorCode, missing.httpStatus]).toEqual(['RESOURCE_DOES_NOT_EXIST', 404]);
    expect((await errorOf(repo.get('dir'))).errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('streams a multi-megabyte file through unchanged', async () => {
    const repo = await fresh();
    const chunkCount = 12;
    const inbound = createHash('sha256');
    // 12 MiB of random bytes, made chunk by chunk, so the file is never whole in memory.
    const source = Readable.from(
      (function* () {
        for (let index = 0; index < chunkCount; index++) {
          const chunk = randomBytes(1024 * 1024);
          inbound.update(chunk);
          yield chunk;
        }
      })(),
    );
    await repo.put('big/blob.bin', source);
    const download = await repo.get('big/blob.bin');
    expect(download.size).toBe(chunkCount * 1024 * 1024);
    const outbound = createHash('sha256');
    for await (const chunk of download.body) outbound.update(chunk as Buffer);
    expect(outbound.digest('hex')).toBe(inbound.digest('hex'));
    expect(await repo.list('big')).toEqual([
      { path: 'big/blob.bin', is_dir: false, file_size: chunkCount * 1024 * 1024 },
    ]);
  });

  it('keeps nothing of an upload whose stream fails', async () => {
    const repo = await fresh();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(repo.put('broken.bin', failing)).rejects.toThrow();
    expect(await repo.list('')).toEqual([]);
  });

  it('refuses unsafe paths on every operation', async () => {
    const repo = await fresh();
    for (const path of ['../escape.txt', 'a/%2e%2e/%2e%2e/x', '/etc/passwd', 'a\\..\\b']) {
      for (const operation of [
        () => repo.put(path, text('x')),
        () => repo.get(path),
        () => repo.list(path),
        () => repo.delete(path),
      ]) {
        expect((await errorOf(operation())).errorCode).toBe('INVALID_PARAMETER_VALUE');
      }
    }
  });
});
