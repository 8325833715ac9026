import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CairnError } from '../errors.js';
import { type ArtifactRepository, openArtifactRepository } from './index.js';

const text = (value: string) => Readable.from([Buffer.from(value)]);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof CairnError ? error.errorCode : String(error)),
  );
}

describe('local artifact repository, symbolic links', () => {
  let base: string;
  let root: string;
  let outside: string;
  let repository: ArtifactRepository;

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'cairn-local-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    repository = await openArtifactRepository(root);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('refuses to read, list or write through a directory link that leaves the root', async () => {
    symlinkSync(outside, join(root, 'escape'));
    expect(await codeOf(repository.get('escape/secret.txt'))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(repository.list('escape'))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(repository.put('escape/new.txt', text('x')))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(await codeOf(repository.put('escape/deeper/new.txt', text('x')))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(await codeOf(repository.delete('escape/secret.txt'))).toBe('INVALID_PARAMETER_VALUE');
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(outside, 'deeper'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    // The escaping link is hidden from the listing of its parent.
    expect(await repository.list('')).toEqual([]);
  });

  it('refuses file links that leave the root, and replaces rather than writes through them', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(join(outside, 'nothing-yet.txt'), join(root, 'dangling.txt'));
    expect(await codeOf(repository.get('link.txt'))).toBe('INVALID_PARAMETER_VALUE');
    expect(await codeOf(repository.put('link.txt', text('overwrite')))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(await codeOf(repository.put('dangling.txt', text('x')))).toBe('INVALID_PARAMETER_VALUE');
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(existsSync(join(outside, 'nothing-yet.txt'))).toBe(false);
    // Deleting the link removes the link, never its target.
    await repository.delete('link.txt');
    expect(existsSync(join(root, 'link.txt'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('follows links that stay inside the root', async () => {
    await repository.put('real/file.txt', text('inside'));
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    const download = await repository.get('alias/file.txt');
    expect(download.size).toBe(6);
    download.body.destroy();
    expect(await repository.list('alias')).toEqual([
      { path: 'alias/file.txt', is_dir: false, file_size: 6 },
    ]);
  });

  it('opens file:// destinations and refuses a file where a directory is needed', async () => {
    const viaUri = await openArtifactRepository(pathToFileURL(join(base, 'uri root')).href);
    await viaUri.put('a.txt', text('a'));
    expect(readFileSync(join(base, 'uri root', 'a.txt'), 'utf8')).toBe('a');
    expect(await codeOf(viaUri.put('a.txt/b.txt', text('b')))).toBe('INVALID_PARAMETER_VALUE');
    await viaUri.put('dir/b.txt', text('b'));
    expect(await codeOf(viaUri.put('dir', text('c')))).toBe('INVALID_PARAMETER_VALUE');
  });
});
