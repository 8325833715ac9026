import type { AbTest, AbTestVariant } from '@cairn/spec';
import { invalidParameter, resourceAlreadyExists, resourceDoesNotExist } from '../../errors.js';
import type { RequestFields } from '../../http/request-fields.js';
import type { Storage } from '../../storage/index.js';
import type { PromptAbTestsTable } from '../../storage/schema.js';
import { isPromptModel, requireVersion } from '../registry-lookups.js';
import { parseVersion, validateAlias } from '../registry-validation.js';
import { validatePromptName } from './prompt-format.js';

/** Tags a run or trace carries to be counted in an A/B test's report. */
export const abTestTag = 'cairn.ab_test';
export const abVariantTag = 'cairn.ab_variant';

/** Prompt A/B test definitions. */
export class AbTestStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates a test over an existing prompt; every variant's version or alias must exist. */
  async create(fields: RequestFields): Promise<AbTest> {
    const name = fields.requiredString('name');
    validatePromptName(name);
    const promptName = fields.requiredString('prompt_name');
    const unit = fields.optionalString('unit') ?? 'user';
    if (unit !== 'user' && unit !== 'session')
      throw invalidParameter(`Invalid A/B test unit '${unit}': use user or session.`);
    const variants = fields.objectList('variants').map(readVariant);
    if (variants.length < 2) throw invalidParameter('An A/B test needs at least two variants.');
    if (new Set(variants.map((variant) => variant.name)).size !== variants.length)
      throw invalidParameter('A/B test variant names must be unique.');
    const description = fields.optionalString('description');
    const now = this.clock();
    const row: PromptAbTestsTable = {
      name,
      prompt_name: promptName,
      unit,
      variants: JSON.stringify(variants),
      status: 'RUNNING',
      description: description ?? null,
      winner: null,
      creation_time: now,
      last_updated_time: now,
    };
    await this.storage.writes.run(async (trx) => {
      if (!(await isPromptModel(trx, promptName)))
        throw resourceDoesNotExist(`Prompt '${promptName}' not found.`);
      for (const variant of variants) {
        if (variant.version !== undefined)
          await requireVersion(trx, promptName, Number(variant.version));
        else {
          const alias = await trx
            .selectFrom('registered_model_aliases')
            .select('version')
            .where('name', '=', promptName)
            .where('alias', '=', variant.alias!)
            .executeTakeFirst();
          if (!alias) throw invalidParameter(`Registered model alias ${variant.alias} not found.`);
        }
      }
      const existing = await trx
        .selectFrom('prompt_ab_tests')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing) throw resourceAlreadyExists(`A/B test '${name}' already exists.`);
      await trx.insertInto('prompt_ab_tests').values(row).execute();
    });
    return abTestToJson(row);
  }

  /** A test by name; 404 when unknown. */
  async get(name: string): Promise<AbTest> {
    const row = await this.storage.db
      .selectFrom('prompt_ab_tests')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw resourceDoesNotExist(`A/B test '${name}' not found.`);
    return abTestToJson(row);
  }

  /** Every test, or those of one prompt, newest first. */
  async list(promptName?: string): Promise<AbTest[]> {
    let query = this.storage.db.selectFrom('prompt_ab_tests').selectAll();
    if (promptName) query = query.where('prompt_name', '=', promptName);
    const rows = await query.orderBy('creation_time', 'desc').orderBy('name').execute();
    return rows.map(abTestToJson);
  }

  /** Marks a test concluded with its winner. */
  async conclude(name: string, winner: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run((trx) =>
      trx
        .updateTable('prompt_ab_tests')
        .set({ status: 'CONCLUDED', winner, last_updated_time: now })
        .where('name', '=', name)
        .execute(),
    );
  }

  /** Deletes a test (the runs it tagged keep their tags). */
  async delete(name: string): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      const result = await trx
        .deleteFrom('prompt_ab_tests')
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0)
        throw resourceDoesNotExist(`A/B test '${name}' not found.`);
    });
  }
}

function readVariant(fields: RequestFields): AbTestVariant {
  const name = fields.requiredString('name');
  if (!/^[\w-]{1,64}$/.test(name))
    throw invalidParameter(
      `Invalid variant name '${name}': use up to 64 letters, digits, _ and -.`,
    );
  const version = fields.optionalString('version');
  const alias = fields.optionalString('alias');
  if ((version === undefined) === (alias === undefined))
    throw invalidParameter(`Variant '${name}' needs exactly one of version or alias.`);
  if (alias !== undefined) validateAlias(alias);
  const weightText = fields.optionalString('weight') ?? '1';
  const weight = Number(weightText);
  if (!Number.isFinite(weight) || weight <= 0)
    throw invalidParameter(`Variant '${name}' needs a positive weight, got '${weightText}'.`);
  return {
    name,
    ...(version !== undefined && { version: String(parseVersion(version)) }),
    ...(alias !== undefined && { alias }),
    weight,
  };
}

function abTestToJson(row: PromptAbTestsTable): AbTest {
  return {
    name: row.name,
    prompt_name: row.prompt_name,
    unit: row.unit as AbTest['unit'],
    variants: JSON.parse(row.variants) as AbTestVariant[],
    status: row.status as AbTest['status'],
    ...(row.description !== null && { description: row.description }),
    ...(row.winner !== null && { winner: row.winner }),
    creation_timestamp: Number(row.creation_time),
    last_updated_timestamp: Number(row.last_updated_time),
  };
}
