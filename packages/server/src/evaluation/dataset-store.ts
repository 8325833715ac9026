import { randomBytes } from 'node:crypto';
import { digestOfHashes, recordHash } from '@cairn/evaluation';
import { sql, type Transaction } from 'kysely';
import { invalidParameter, resourceAlreadyExists, resourceDoesNotExist } from '../errors.js';
import type { DatabaseSchema, Storage } from '../storage/index.js';

/** A record to add: the model's inputs, the expected outputs, tags and where it came from. */
export interface DatasetRecordInput {
  inputs: unknown;
  expectations?: unknown;
  tags?: Record<string, string>;
  source?: unknown;
}

/** A dataset as the API answers it. */
export interface DatasetJson {
  dataset_id: string;
  name: string;
  experiment_id?: string;
  description?: string;
  tags: Record<string, string>;
  version: number;
  digest: string;
  record_count: number;
  created_time: number;
  last_update_time: number;
}

/** A stored record. */
export interface DatasetRecordJson {
  record_id: string;
  inputs: unknown;
  expectations?: unknown;
  tags?: Record<string, string>;
  source?: unknown;
  created_time: number;
}

/** One version of a dataset. */
export interface DatasetVersionJson {
  version: number;
  digest: string;
  record_count: number;
  source?: string;
  created_time: number;
}

type Trx = Transaction<DatabaseSchema>;

const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/**
 * Versioned evaluation datasets: every change (records added or removed) makes a new version
 * whose digest is computed from its records, so a run that logs `name@version` and the digest
 * names exactly the rows it saw.
 */
export class DatasetStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates a dataset (version 1, with the given records, possibly none). */
  async create(input: {
    name: string;
    experimentId?: number;
    description?: string;
    tags?: Record<string, string>;
    records?: readonly DatasetRecordInput[];
    source?: string;
  }): Promise<DatasetJson> {
    const now = this.clock();
    const datasetId = `d-${randomBytes(16).toString('hex')}`;
    const records = (input.records ?? []).map(checkedRecord);
    await this.storage.writes.run(async (trx) => {
      const existing = await trx
        .selectFrom('eval_datasets')
        .select('dataset_id')
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (existing) throw resourceAlreadyExists(`Dataset '${input.name}' already exists.`);
      await trx
        .insertInto('eval_datasets')
        .values({
          dataset_id: datasetId,
          name: input.name,
          experiment_id: input.experimentId ?? null,
          description: input.description ?? null,
          tags: JSON.stringify(input.tags ?? {}),
          latest_version: 1,
          next_position: records.length,
          created_time: now,
          last_update_time: now,
        })
        .execute();
      await insertRecords(trx, datasetId, 1, 0, records, now);
      await writeVersion(trx, datasetId, 1, input.source ?? null, now);
    });
    return this.get(datasetId);
  }

  /** The dataset by id, or by name when `byName`; RESOURCE_DOES_NOT_EXIST otherwise. */
  async get(idOrName: string, byName = false): Promise<DatasetJson> {
    const row = await this.storage.db
      .selectFrom('eval_datasets as d')
      .innerJoin('eval_dataset_versions as v', (join) =>
        join.onRef('v.dataset_id', '=', 'd.dataset_id').onRef('v.version', '=', 'd.latest_version'),
      )
      .selectAll('d')
      .select(['v.digest', 'v.record_count'])
      .where(byName ? 'd.name' : 'd.dataset_id', '=', idOrName)
      .executeTakeFirst();
    if (!row) {
      throw resourceDoesNotExist(
        byName ? `Dataset '${idOrName}' not found.` : `Dataset with id=${idOrName} not found.`,
      );
    }
    return {
      dataset_id: row.dataset_id,
      name: row.name,
      ...(row.experiment_id === null ? {} : { experiment_id: String(row.experiment_id) }),
      ...(row.description === null ? {} : { description: row.description }),
      tags: JSON.parse(row.tags) as Record<string, string>,
      version: row.latest_version,
      digest: row.digest,
      record_count: Number(row.record_count),
      created_time: Number(row.created_time),
      last_update_time: Number(row.last_update_time),
    };
  }

  /** Datasets, newest change first, optionally by experiment and name pattern (SQL LIKE). */
  async search(options: {
    experimentId?: number;
    nameLike?: string;
    maxResults: number;
    offset: number;
  }): Promise<{ datasets: DatasetJson[]; more: boolean }> {
    let query = this.storage.db.selectFrom('eval_datasets').select('dataset_id');
    if (options.experimentId !== undefined)
      query = query.where('experiment_id', '=', options.experimentId);
    if (options.nameLike !== undefined) query = query.where('name', 'like', options.nameLike);
    const rows = await query
      .orderBy('last_update_time', 'desc')
      .orderBy('dataset_id')
      .limit(options.maxResults + 1)
      .offset(options.offset)
      .execute();
    const page = rows.slice(0, options.maxResults);
    const datasets = await Promise.all(page.map((row) => this.get(row.dataset_id)));
    return { datasets, more: rows.length > options.maxResults };
  }

  /** Adds records; returns the dataset at its new version. */
  async addRecords(
    datasetId: string,
    records: readonly DatasetRecordInput[],
    source?: string,
  ): Promise<DatasetJson> {
    if (records.length === 0) throw invalidParameter('records must not be empty.');
    const checked = records.map(checkedRecord);
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      const { version, position } = await nextVersion(trx, datasetId, checked.length, now);
      await insertRecords(trx, datasetId, version, position, checked, now);
      await writeVersion(trx, datasetId, version, source ?? null, now);
    });
    return this.get(datasetId);
  }

  /** Removes records by id; returns the dataset at its new version. */
  async removeRecords(datasetId: string, recordIds: readonly string[]): Promise<DatasetJson> {
    if (recordIds.length === 0) throw invalidParameter('record_ids must not be empty.');
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      const { version } = await nextVersion(trx, datasetId, 0, now);
      const result = await trx
        .updateTable('eval_dataset_records')
        .set({ removed_version: version })
        .where('dataset_id', '=', datasetId)
        .where('record_id', 'in', [...recordIds])
        .where('removed_version', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        throw resourceDoesNotExist('None of the given records is in the dataset.');
      }
      await writeVersion(trx, datasetId, version, 'remove-records', now);
    });
    return this.get(datasetId);
  }

  /** A page of a version's records in order (latest version when `version` is absent). */
  async records(
    datasetId: string,
    options: { version?: number; maxResults: number; offset: number },
  ): Promise<{ records: DatasetRecordJson[]; version: DatasetVersionJson; more: boolean }> {
    const dataset = await this.get(datasetId);
    const versionNumber = options.version ?? dataset.version;
    const version = (await this.versions(datasetId)).find((item) => item.version === versionNumber);
    if (!version) {
      throw resourceDoesNotExist(`Dataset ${datasetId} has no version ${versionNumber}.`);
    }
    const rows = await this.storage.db
      .selectFrom('eval_dataset_records')
      .select(['record_id', 'inputs', 'expectations', 'tags', 'source', 'created_time'])
      .where('dataset_id', '=', datasetId)
      .where('added_version', '<=', versionNumber)
      .where((eb) =>
        eb.or([eb('removed_version', 'is', null), eb('removed_version', '>', versionNumber)]),
      )
      .orderBy('position')
      .limit(options.maxResults + 1)
      .offset(options.offset)
      .execute();
    const records = rows.slice(0, options.maxResults).map((row) => {
      const expectations = parse(row.expectations);
      const tags = parse(row.tags) as Record<string, string> | undefined;
      const source = parse(row.source);
      return {
        record_id: row.record_id,
        inputs: JSON.parse(row.inputs) as unknown,
        ...(expectations === undefined ? {} : { expectations }),
        ...(tags === undefined ? {} : { tags }),
        ...(source === undefined ? {} : { source }),
        created_time: Number(row.created_time),
      };
    });
    return { records, version, more: rows.length > options.maxResults };
  }

  /** Every version, oldest first. */
  async versions(datasetId: string): Promise<DatasetVersionJson[]> {
    const rows = await this.storage.db
      .selectFrom('eval_dataset_versions')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .orderBy('version')
      .execute();
    if (rows.length === 0) throw resourceDoesNotExist(`Dataset with id=${datasetId} not found.`);
    return rows.map((row) => ({
      version: row.version,
      digest: row.digest,
      record_count: Number(row.record_count),
      ...(row.source === null ? {} : { source: row.source }),
      created_time: Number(row.created_time),
    }));
  }

  /** Deletes a dataset with all its versions and records. */
  async delete(datasetId: string): Promise<void> {
    await this.get(datasetId);
    await this.storage.writes.run(async (trx) => {
      for (const table of [
        'eval_dataset_records',
        'eval_dataset_versions',
        'eval_datasets',
      ] as const) {
        await trx.deleteFrom(table).where('dataset_id', '=', datasetId).execute();
      }
    });
  }
}

function checkedRecord(record: DatasetRecordInput, index: number): DatasetRecordInput {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw invalidParameter(`records[${index}] must be an object with 'inputs'.`);
  }
  if (record.inputs === undefined || record.inputs === null || record.inputs === '') {
    throw invalidParameter(`Missing value for required parameter 'records[${index}].inputs'.`);
  }
  if (record.tags !== undefined) {
    const tags = record.tags as unknown;
    if (
      tags === null ||
      typeof tags !== 'object' ||
      Object.values(tags).some((value) => typeof value !== 'string')
    ) {
      throw invalidParameter(`records[${index}].tags must map names to strings.`);
    }
  }
  return record;
}

/** Claims the next version number (the row update locks the dataset against concurrent changes). */
async function nextVersion(
  trx: Trx,
  datasetId: string,
  recordCount: number,
  now: number,
): Promise<{ version: number; position: number }> {
  const row = await trx
    .updateTable('eval_datasets')
    .set({
      latest_version: sql`latest_version + 1`,
      next_position: sql`next_position + ${recordCount}`,
      last_update_time: now,
    })
    .where('dataset_id', '=', datasetId)
    .returning(['latest_version', 'next_position'])
    .executeTakeFirst();
  if (!row) throw resourceDoesNotExist(`Dataset with id=${datasetId} not found.`);
  return { version: row.latest_version, position: Number(row.next_position) - recordCount };
}

async function insertRecords(
  trx: Trx,
  datasetId: string,
  version: number,
  firstPosition: number,
  records: readonly DatasetRecordInput[],
  now: number,
): Promise<void> {
  const rows = records.map((record, index) => ({
    dataset_id: datasetId,
    record_id: `r-${randomBytes(12).toString('hex')}`,
    position: firstPosition + index,
    added_version: version,
    removed_version: null,
    record_hash: recordHash({ inputs: record.inputs, expectations: record.expectations ?? null }),
    inputs: JSON.stringify(record.inputs),
    expectations: record.expectations === undefined ? null : JSON.stringify(record.expectations),
    tags: record.tags === undefined ? null : JSON.stringify(record.tags),
    source: record.source === undefined ? null : JSON.stringify(record.source),
    created_time: now,
  }));
  // Parameter limits (PostgreSQL 65535, SQLite 32766) bound one statement's rows.
  for (let start = 0; start < rows.length; start += 500) {
    await trx
      .insertInto('eval_dataset_records')
      .values(rows.slice(start, start + 500))
      .execute();
  }
}

/** Records the version with the digest of exactly the records it holds, in order. */
async function writeVersion(
  trx: Trx,
  datasetId: string,
  version: number,
  source: string | null,
  now: number,
): Promise<void> {
  const hashes = await trx
    .selectFrom('eval_dataset_records')
    .select('record_hash')
    .where('dataset_id', '=', datasetId)
    .where('added_version', '<=', version)
    .where((eb) => eb.or([eb('removed_version', 'is', null), eb('removed_version', '>', version)]))
    .orderBy('position')
    .execute();
  await trx
    .insertInto('eval_dataset_versions')
    .values({
      dataset_id: datasetId,
      version,
      digest: digestOfHashes(hashes.map((row) => row.record_hash)),
      record_count: hashes.length,
      source,
      created_time: now,
    })
    .execute();
}
