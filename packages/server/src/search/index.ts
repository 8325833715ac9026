export type { ExperimentSearchPage, ExperimentSearchRequest } from './experiment-search.js';
export { searchExperimentIds } from './experiment-search.js';
// Building blocks other domains (the model registry) compose into their own search grammars.
export type { Comparison } from './filter-parser.js';
export { parseFilter } from './filter-parser.js';
export { integerMatchSql, textMatchSql } from './match-sql.js';
export { parseOrderBy } from './order-by-parser.js';
export { decodePageToken, encodePageToken } from './page-token.js';
export type { RunSearchPage, RunSearchRequest } from './run-search.js';
export { searchRunIds } from './run-search.js';
export type { TextMatch } from './search-clause.js';
export { listTextComparators, numberMatch, textComparators, textMatch } from './search-clause.js';
export { searchEntityOf } from './search-entity.js';
export { ordered } from './view-and-collation.js';
