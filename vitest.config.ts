import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the "source" export condition,
// so tests never depend on a stale build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Worker threads started by the code under test (the OTLP decoder) run TypeScript sources.
    execArgv: [
      '--import',
      fileURLToPath(new URL('./tests/support/typescript-loader.mjs', import.meta.url)),
    ],
    // eventsource-parser (used by the `ai` SDK) also exports a "source" condition pointing at
    // TypeScript files that Node cannot load externally; let Vite transform it instead.
    server: { deps: { inline: ['ai', /@ai-sdk\//, 'eventsource-parser'] } },
  },
});
