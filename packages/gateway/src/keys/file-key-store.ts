import { type FSWatcher, watch } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { KeyStore, VirtualKeyRecord } from './virtual-key.js';

interface KeyFile {
  keys: VirtualKeyRecord[];
}

/**
 * Keys in a JSON file next to the gateway config, for a single gateway without Redis. The file
 * holds only hashes. A running gateway reloads it when it changes (fs.watch), so a key created or
 * revoked by `cairn gateway keys` takes effect within moments, without a restart.
 */
export class FileKeyStore implements KeyStore {
  private records = new Map<string, VirtualKeyRecord>();
  private byHash = new Map<string, string>();
  private watcher?: FSWatcher;
  private loaded?: Promise<void>;

  constructor(readonly path: string) {}

  /** Loads the file; with `watchForChanges`, reloads whenever it changes on disk. */
  async open(watchForChanges = false): Promise<this> {
    await this.reload();
    if (watchForChanges) {
      try {
        // Watch the directory: writes go through a rename, which replaces the file's inode.
        const directory = this.path.slice(0, Math.max(this.path.lastIndexOf('/'), 0)) || '.';
        const base = this.path.slice(this.path.lastIndexOf('/') + 1);
        this.watcher = watch(directory, (_event, name) => {
          if (name === base) this.loaded = this.reload().catch(() => undefined);
        });
        this.watcher.unref();
      } catch {
        // Without a watcher the store still works; changes need a restart.
      }
    }
    return this;
  }

  private async reload(): Promise<void> {
    let file: KeyFile = { keys: [] };
    try {
      file = JSON.parse(await readFile(this.path, 'utf8')) as KeyFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const records = new Map<string, VirtualKeyRecord>();
    const byHash = new Map<string, string>();
    for (const record of file.keys ?? []) {
      records.set(record.id, record);
      for (const secret of record.secrets) byHash.set(secret.hash, record.id);
    }
    this.records = records;
    this.byHash = byHash;
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    if (this.loaded) await this.loaded;
    const id = this.byHash.get(hash);
    return id === undefined ? undefined : this.records.get(id);
  }

  async get(id: string): Promise<VirtualKeyRecord | undefined> {
    return this.records.get(id);
  }

  async save(record: VirtualKeyRecord): Promise<void> {
    // Re-read first so two CLI runs in a row never lose each other's keys.
    await this.reload();
    this.records.set(record.id, record);
    const temporary = `${this.path}.${process.pid}.tmp`;
    const body: KeyFile = { keys: [...this.records.values()] };
    await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
    await this.reload();
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  close(): void {
    this.watcher?.close();
  }
}
