import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileInfo } from '@cairn/spec';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import { joinArtifactPath, safeArtifactPath } from './artifact-path.js';
import type { ArtifactDownload, ArtifactRepository } from './artifact-repository.js';

/** Uploads land in a hidden temporary file first, so a broken upload never leaves half a file. */
const partialPrefix = '.cairn-partial-';

/**
 * Artifacts in a directory on local disk. Besides the lexical checks of `safeArtifactPath`, every
 * access resolves symbolic links and refuses any path whose real location leaves the root.
 */
export class LocalArtifactRepository implements ArtifactRepository {
  private constructor(private readonly root: string) {}

  /** Opens (creating it if needed) the directory `root`. */
  static async open(root: string): Promise<LocalArtifactRepository> {
    await mkdir(root, { recursive: true });
    return new LocalArtifactRepository(await realpath(root));
  }

  async put(path: string, body: Readable): Promise<void> {
    const target = await this.resolve(path);
    if (target === this.root) throw invalidParameter('Invalid path');
    const directory = dirname(target);
    await mkdir(directory, { recursive: true }).catch((error: unknown) => {
      if (isCode(error, 'EEXIST') || isCode(error, 'ENOTDIR')) {
        throw invalidParameter(`A parent of '${path}' is a file.`);
      }
      throw error;
    });
    // The directories just made could only be inside the root, but an existing one could be a
    // link to elsewhere, so check the real parent before writing.
    this.assertInside(await realpath(directory));
    const partial = join(directory, `${partialPrefix}${randomBytes(8).toString('hex')}`);
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      // rename replaces a link at `target` instead of writing through it.
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      if (isCode(error, 'EISDIR')) throw invalidParameter(`'${path}' is a directory.`);
      throw error;
    }
  }

  async get(path: string): Promise<ArtifactDownload> {
    const target = await this.resolve(path);
    const stats = await stat(target).catch(() => undefined);
    if (!stats?.isFile()) throw resourceDoesNotExist(`No such file or directory: '${path}'`);
    return { body: createReadStream(target), size: stats.size };
  }

  async list(path: string): Promise<FileInfo[]> {
    const directory = await this.resolve(path);
    const entries = await readdir(directory, { withFileTypes: true }).catch((error: unknown) => {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
      throw error;
    });
    const prefix = safeArtifactPath(path);
    const files: FileInfo[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith(partialPrefix)) continue;
      const entryPath = joinArtifactPath(prefix, entry.name);
      // A link is listed as what it points to, and hidden if that lies outside the root.
      const stats = await this.resolve(entryPath)
        .then((target) => stat(target))
        .catch(() => undefined);
      if (stats === undefined) continue;
      files.push(
        stats.isDirectory()
          ? { path: entryPath, is_dir: true }
          : { path: entryPath, is_dir: false, file_size: stats.size },
      );
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(path: string): Promise<void> {
    const relative = safeArtifactPath(path);
    if (relative === '') {
      for (const entry of await readdir(this.root)) {
        await rm(join(this.root, entry), { recursive: true, force: true });
      }
      return;
    }
    const target = join(this.root, ...relative.split('/'));
    // Deleting a link removes the link only; resolve its parent so a linked parent cannot
    // redirect the deletion outside the root.
    this.assertInside(await this.realAncestor(dirname(target)));
    await rm(target, { recursive: true, force: true });
  }

  /** The real location of `path` (or of its deepest existing ancestor), checked to be inside. */
  private async resolve(path: string): Promise<string> {
    const relative = safeArtifactPath(path);
    const target = relative === '' ? this.root : join(this.root, ...relative.split('/'));
    const linkStats = await lstat(target).catch(() => undefined);
    if (linkStats?.isSymbolicLink()) {
      const real = await realpath(target).catch(() => undefined);
      // A dangling link could be written through to anywhere.
      if (real === undefined) throw invalidParameter('Invalid path');
      this.assertInside(real);
      return target;
    }
    this.assertInside(await this.realAncestor(target));
    return target;
  }

  /** realpath of `path`, or of the nearest ancestor that exists. */
  private async realAncestor(path: string): Promise<string> {
    let current = path;
    for (;;) {
      try {
        const real = await realpath(current);
        return join(real, path.slice(current.length));
      } catch (error) {
        if (!isCode(error, 'ENOENT') && !isCode(error, 'ENOTDIR')) throw error;
        const parent = dirname(current);
        if (parent === current) throw error;
        current = parent;
      }
    }
  }

  private assertInside(real: string): void {
    if (real !== this.root && !real.startsWith(this.root + sep)) {
      throw invalidParameter('Invalid path');
    }
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
