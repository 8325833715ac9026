export { createUpstreamFetch, type UpstreamFetchOptions } from './upstream-fetch.js';
