export { createNodeHttpFetch, type NodeHttpFetchOptions } from './node-http-fetch.js';
