import type { SharedState } from '../state/shared-state.js';
import type { KeyStore, VirtualKeyRecord } from './virtual-key.js';

const recordsHash = 'keys:records';
const secretsHash = 'keys:secrets';

/** Keys kept in shared state (memory or Redis): records by id, and secret hash → id. */
export class StateKeyStore implements KeyStore {
  constructor(private readonly state: SharedState) {}

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const id = await this.state.hashGet(secretsHash, hash);
    return id === undefined ? undefined : this.get(id);
  }

  async get(id: string): Promise<VirtualKeyRecord | undefined> {
    const json = await this.state.hashGet(recordsHash, id);
    return json === undefined ? undefined : (JSON.parse(json) as VirtualKeyRecord);
  }

  async save(record: VirtualKeyRecord, removedHashes: string[] = []): Promise<void> {
    await this.state.hashSet(recordsHash, record.id, JSON.stringify(record));
    for (const secret of record.secrets)
      await this.state.hashSet(secretsHash, secret.hash, record.id);
    for (const hash of removedHashes) await this.state.hashDelete(secretsHash, hash);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    const entries = await this.state.hashEntries(recordsHash);
    return Object.values(entries)
      .map((json) => JSON.parse(json) as VirtualKeyRecord)
      .sort((a, b) => a.createdAt - b.createdAt);
  }
}
