import { type AbTest, assignVariant } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../../errors.js';
import { cairnRoute } from '../../http/cairn-route.js';
import { RequestFields } from '../../http/request-fields.js';
import { traceOutcomesByTag } from '../../tracing/index.js';
import type { TrackingStore } from '../../tracking/index.js';
import type { RegistryDeps } from '../registry-deps.js';
import { actorOf, aliasField } from '../registry-fields.js';
import { validateAlias } from '../registry-validation.js';
import {
  buildAbReport,
  type Observation,
  observationOf,
  outcomeOfRuns,
  outcomeOfTraces,
  type VariantOutcome,
} from './ab-report.js';
import { AbTestStore, abTestTag, abVariantTag } from './ab-test-store.js';

/**
 * Prompt A/B tests under `/api/2.0/cairn/prompts/ab-tests/`: create, get, list, delete, assign
 * (the SDK's sticky assignment, for clients without it), report and promote.
 */
export function registerAbTestRoutes(
  app: FastifyInstance,
  deps: RegistryDeps,
  tracking: TrackingStore,
): void {
  const store = new AbTestStore(deps.context.storage, deps.context.clock);
  const base = '/prompts/ab-tests';

  /** The version each variant stands for now (aliases resolved at this moment). */
  const variantVersions = async (test: AbTest) => {
    const versions = new Map<string, string>();
    for (const variant of test.variants) {
      if (variant.version !== undefined) versions.set(variant.name, variant.version);
      else {
        const found = await deps.models
          .versionByAlias(test.prompt_name, variant.alias!)
          .catch(() => undefined);
        if (found) versions.set(variant.name, found.version);
      }
    }
    return versions;
  };

  const report = async (name: string) => {
    const test = await store.get(name);
    const tagged = await deps.context.storage.db
      .selectFrom('tags')
      .innerJoin('runs', 'runs.run_uuid', 'tags.run_uuid')
      .select('tags.run_uuid')
      .where('tags.key', '=', abTestTag)
      .where('tags.value', '=', name)
      .where('runs.lifecycle_stage', '=', 'active')
      .execute();
    const runs = await tracking.runs.loadMany(tagged.map((row) => row.run_uuid));
    const observations = new Map<string, Observation[]>();
    for (const run of runs) {
      const variant = run.data.tags?.find((tag) => tag.key === abVariantTag)?.value;
      if (variant)
        observations.set(variant, [
          ...(observations.get(variant) ?? []),
          observationOf(run, variant),
        ]);
    }
    const traces = await traceOutcomesByTag(deps.context.storage, {
      filter: { key: abTestTag, value: name },
      groupKey: abVariantTag,
    });
    // One request usually tags both its trace and its run, so the two are never summed: a
    // variant with tagged traces reports from them (live traffic), else from its runs.
    const outcomes = new Map<string, VariantOutcome>();
    for (const variant of test.variants) {
      const fromTraces = traces.get(variant.name);
      const fromRuns = observations.get(variant.name) ?? [];
      outcomes.set(
        variant.name,
        fromTraces && fromTraces.traces > 0
          ? outcomeOfTraces(fromTraces, fromRuns.length)
          : outcomeOfRuns(fromRuns),
      );
    }
    return buildAbReport(test, outcomes, await variantVersions(test));
  };

  cairnRoute(app, 'POST', `${base}/create`, async (input) => ({
    ab_test: await store.create(new RequestFields(input)),
  }));

  cairnRoute(app, 'GET', `${base}/get`, async (input) => ({
    ab_test: await store.get(new RequestFields(input).requiredString('name')),
  }));

  cairnRoute(app, 'GET', `${base}/list`, async (input) => ({
    ab_tests: await store.list(new RequestFields(input).optionalString('prompt_name')),
  }));

  cairnRoute(app, 'DELETE', `${base}/delete`, async (input) => {
    await store.delete(new RequestFields(input).requiredString('name'));
    return {};
  });

  cairnRoute(app, 'GET', `${base}/assign`, async (input) => {
    const fields = new RequestFields(input);
    const test = await store.get(fields.requiredString('name'));
    const variant = assignVariant(test.name, fields.requiredString('unit_id'), test.variants);
    const version = (await variantVersions(test)).get(variant.name);
    return { variant: variant.name, ...(version && { version }) };
  });

  cairnRoute(app, 'GET', `${base}/report`, async (input) => ({
    report: await report(new RequestFields(input).requiredString('name')),
  }));

  cairnRoute(app, 'POST', `${base}/promote`, async (input, request) => {
    const fields = new RequestFields(input);
    const name = fields.requiredString('name');
    const alias = fields.has('alias') ? aliasField(fields) : 'production';
    validateAlias(alias);
    const current = await report(name);
    const winner = fields.optionalString('variant') ?? current.recommended_winner;
    if (!winner)
      throw invalidParameter(
        `A/B test '${name}' has no recommended winner yet (${current.reason}) Pass 'variant' to promote one anyway.`,
      );
    const version = (await variantVersions(current.test)).get(winner);
    if (!version) throw invalidParameter(`A/B test '${name}' has no variant '${winner}'.`);
    await deps.models.setAlias(current.test.prompt_name, alias, Number(version), actorOf(request));
    await store.conclude(name, winner);
    return { ab_test: await store.get(name), alias, version, variant: winner };
  });
}
