import type { ViewType } from '@cairn/spec';
import type { Storage } from '../storage/index.js';

/** A `runs/search` request after its fields have been read and range-checked. */
export interface RunSearchRequest {
  experimentIds: string[];
  /** MLflow filter string, e.g. `metrics.m0 > 0.5 and params.p1 = 'x'`; empty means all. */
  filter?: string;
  runViewType: ViewType;
  maxResults: number;
  /** MLflow order_by clauses, e.g. `metrics.m0 DESC`, `attributes.start_time`. */
  orderBy: string[];
  pageToken?: string;
}

/** One page of matching run ids, in order. */
export interface RunSearchPage {
  runIds: string[];
  nextPageToken?: string;
}

/** Finds the runs matching a search, in the requested order. Bad filters throw INVALID_PARAMETER_VALUE. */
export async function searchRunIds(
  _storage: Storage,
  _request: RunSearchRequest,
): Promise<RunSearchPage> {
  throw new Error('not built yet');
}

/** An `experiments/search` request after its fields have been read and range-checked. */
export interface ExperimentSearchRequest {
  filter?: string;
  viewType: ViewType;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

/** One page of matching experiment ids, in order. */
export interface ExperimentSearchPage {
  experimentIds: number[];
  nextPageToken?: string;
}

/** Finds the experiments matching a search, in the requested order. */
export async function searchExperimentIds(
  _storage: Storage,
  _request: ExperimentSearchRequest,
): Promise<ExperimentSearchPage> {
  throw new Error('not built yet');
}
