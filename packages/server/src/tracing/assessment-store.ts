import { randomBytes } from 'node:crypto';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import type { Storage } from '../storage/index.js';

/** An assessment in MLflow 3's JSON shape (assessments.proto). */
export type AssessmentJson = Record<string, unknown>;

const updatablePaths = new Set([
  'assessment_name',
  'expectation',
  'feedback',
  'rationale',
  'metadata',
  'valid',
]);

/** Feedback and expectations on traces, stored as MLflow's JSON with indexed name, type and value. */
export class AssessmentStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates an assessment on `traceId`; `overrides` marks the assessment it replaces invalid. */
  async create(traceId: string, input: AssessmentJson): Promise<AssessmentJson> {
    const now = this.clock();
    const assessment = validated({
      ...input,
      assessment_id: `a-${randomBytes(16).toString('hex')}`,
      trace_id: traceId,
      create_time: new Date(now).toISOString(),
      last_update_time: new Date(now).toISOString(),
      valid: input.valid ?? true,
    });
    await this.storage.writes.run(async (trx) => {
      await trx
        .insertInto('assessments')
        .values(row(assessment, now, now))
        .execute();
      if (typeof assessment.overrides === 'string') {
        const overridden = await trx
          .selectFrom('assessments')
          .select('body')
          .where('assessment_id', '=', assessment.overrides)
          .where('trace_id', '=', traceId)
          .executeTakeFirst();
        if (overridden) {
          const body = { ...JSON.parse(overridden.body), valid: false };
          await trx
            .updateTable('assessments')
            .set({ valid: 0, body: JSON.stringify(body) })
            .where('assessment_id', '=', assessment.overrides)
            .execute();
        }
      }
    });
    return assessment;
  }

  /** The assessment, or RESOURCE_DOES_NOT_EXIST. */
  async get(traceId: string, assessmentId: string): Promise<AssessmentJson> {
    const found = await this.storage.db
      .selectFrom('assessments')
      .select('body')
      .where('assessment_id', '=', assessmentId)
      .where('trace_id', '=', traceId)
      .executeTakeFirst();
    if (!found) {
      throw resourceDoesNotExist(
        `Assessment with ID '${assessmentId}' for trace '${traceId}' not found.`,
      );
    }
    return JSON.parse(found.body) as AssessmentJson;
  }

  /** Every assessment of these traces, grouped by trace id. */
  async forTraces(traceIds: readonly string[]): Promise<Map<string, AssessmentJson[]>> {
    const grouped = new Map<string, AssessmentJson[]>();
    if (traceIds.length === 0) return grouped;
    const rows = await this.storage.db
      .selectFrom('assessments')
      .select(['trace_id', 'body'])
      .where('trace_id', 'in', traceIds)
      .orderBy('create_time_ms')
      .execute();
    for (const found of rows) {
      const list = grouped.get(found.trace_id) ?? [];
      list.push(JSON.parse(found.body) as AssessmentJson);
      grouped.set(found.trace_id, list);
    }
    return grouped;
  }

  /** Applies the fields named by `paths` (MLflow's update_mask) from `changes`. */
  async update(
    traceId: string,
    assessmentId: string,
    changes: AssessmentJson,
    paths: readonly string[],
  ): Promise<AssessmentJson> {
    const current = await this.get(traceId, assessmentId);
    if (paths.length === 0)
      throw invalidParameter("Missing value for required parameter 'update_mask'.");
    const next: AssessmentJson = { ...current };
    for (const path of paths) {
      if (!updatablePaths.has(path)) throw invalidParameter(`Invalid update_mask path '${path}'.`);
      if (path === 'feedback') delete next.expectation;
      if (path === 'expectation') delete next.feedback;
      if (changes[path] === undefined) delete next[path];
      else next[path] = changes[path];
    }
    const now = this.clock();
    next.last_update_time = new Date(now).toISOString();
    const assessment = validated(next);
    const created = Date.parse(String(current.create_time));
    await this.storage.writes.run((trx) =>
      trx
        .updateTable('assessments')
        .set(row(assessment, Number.isNaN(created) ? now : created, now))
        .where('assessment_id', '=', assessmentId)
        .execute(),
    );
    return assessment;
  }

  /** Deletes the assessment; RESOURCE_DOES_NOT_EXIST when there is none. */
  async delete(traceId: string, assessmentId: string): Promise<void> {
    await this.get(traceId, assessmentId);
    await this.storage.writes.run((trx) =>
      trx.deleteFrom('assessments').where('assessment_id', '=', assessmentId).execute(),
    );
  }
}

function validated(assessment: AssessmentJson): AssessmentJson {
  const name = assessment.assessment_name;
  if (typeof name !== 'string' || name === '') {
    throw invalidParameter("Missing value for required parameter 'assessment.assessment_name'.");
  }
  const source = assessment.source as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object' || !source.source_type) {
    throw invalidParameter("Missing value for required parameter 'assessment.source.source_type'.");
  }
  const hasFeedback = assessment.feedback !== undefined && assessment.feedback !== null;
  const hasExpectation = assessment.expectation !== undefined && assessment.expectation !== null;
  if (hasFeedback === hasExpectation) {
    throw invalidParameter('An assessment needs exactly one of feedback or expectation.');
  }
  return assessment;
}

function row(assessment: AssessmentJson, createdMs: number, updatedMs: number) {
  const type = assessment.feedback !== undefined ? 'feedback' : 'expectation';
  const holder = (assessment[type] ?? {}) as Record<string, unknown>;
  const raw =
    holder.value !== undefined
      ? holder.value
      : (holder.serialized_value as Record<string, unknown> | undefined)?.value;
  return {
    assessment_id: String(assessment.assessment_id),
    trace_id: String(assessment.trace_id),
    span_id: typeof assessment.span_id === 'string' ? assessment.span_id : null,
    name: String(assessment.assessment_name),
    assessment_type: type,
    // Filters compare text: strings as they are, other values as JSON (true, 3.5, ["a"]).
    value:
      raw === undefined || raw === null
        ? null
        : typeof raw === 'string'
          ? raw
          : JSON.stringify(raw),
    body: JSON.stringify(assessment),
    valid: assessment.valid === false ? 0 : 1,
    create_time_ms: createdMs,
    last_update_time_ms: updatedMs,
  };
}
