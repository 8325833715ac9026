import type { Storage } from '../storage/index.js';
import { ExperimentStore } from './experiment-store.js';
import { MetricHistory } from './metric-history.js';
import { RunDataStore } from './run-data-store.js';
import { RunStore } from './run-store.js';

/** The tracking domain's store: one Kysely-based implementation for SQLite and PostgreSQL. */
export interface TrackingStore {
  experiments: ExperimentStore;
  runs: RunStore;
  runData: RunDataStore;
  metrics: MetricHistory;
}

/** Builds the tracking store over an open storage; `clock` stamps creation and update times. */
export function createTrackingStore(storage: Storage, clock: () => number): TrackingStore {
  return {
    experiments: new ExperimentStore(storage, clock),
    runs: new RunStore(storage, clock),
    runData: new RunDataStore(storage),
    metrics: new MetricHistory(storage),
  };
}
