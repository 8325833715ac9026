export type { ExperimentSearchPage, ExperimentSearchRequest } from './experiment-search.js';
export { searchExperimentIds } from './experiment-search.js';
export type { RunSearchPage, RunSearchRequest } from './run-search.js';
export { searchRunIds } from './run-search.js';
