// Lets worker threads started by code under test run its TypeScript sources, as Vitest does for
// the test process itself (vitest.config.ts passes this file to Node with --import; workers
// inherit it). Only modules imported from a .ts file are affected.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
