import type { Migration } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';
import { trackingMigration } from './001-tracking.js';
import { metricPointsMigration } from './002-metric-points.js';
import { tracingMigration } from './004-tracing.js';
import { registryMigration } from './005-registry.js';
import { dashboardsMigration } from './006-dashboards.js';
import { evaluationMigration } from './007-evaluation.js';
import { tracingIngestMigration } from './008-tracing-ingest.js';
import { modelCardQueueMigration } from './009-model-card-queue.js';
import { dashboardScopeMigration } from './010-dashboard-scope.js';
import { dashboardQueriesMigration } from './011-dashboard-queries.js';
import { traceScopeColumnsMigration } from './012-trace-scope-columns.js';
import { traceMetadataWithoutRowidMigration } from './013-trace-metadata-without-rowid.js';
import { traceExperimentIndexMigration } from './014-trace-experiment-index.js';
import { traceKeysMigration } from './015-trace-keys.js';

/** Every schema migration, in order. Names sort lexically; never rename or edit a landed one. */
export function allMigrations(dialect: StorageDialect): Record<string, Migration> {
  return {
    '001-tracking': trackingMigration(dialect),
    '002-metric-points': metricPointsMigration(dialect),
    '004-tracing': tracingMigration(dialect),
    '005-registry': registryMigration(dialect),
    '006-dashboards': dashboardsMigration(dialect),
    '007-evaluation': evaluationMigration(dialect),
    '008-tracing-ingest': tracingIngestMigration(dialect),
    '009-model-card-queue': modelCardQueueMigration(dialect),
    '010-dashboard-scope': dashboardScopeMigration(dialect),
    '011-dashboard-queries': dashboardQueriesMigration(dialect),
    '012-trace-scope-columns': traceScopeColumnsMigration(dialect),
    '013-trace-metadata-without-rowid': traceMetadataWithoutRowidMigration(dialect),
    '014-trace-experiment-index': traceExperimentIndexMigration(dialect),
    '015-trace-keys': traceKeysMigration(dialect),
  };
}
