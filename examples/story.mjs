// The whole story (shared/STORY.md steps 2–7) against one server, step by step.
//
//   CAIRN_WEBHOOKS_ALLOW_PRIVATE=true npx cairn server   # in another terminal
//   node examples/story.mjs                              # CAIRN_TRACKING_URI overrides the address
//
// Each step is its own script (run any of them alone); this runs them in order and stops at the
// first that fails. No provider key is needed: the steps start local fake providers.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireServer, trackingUri } from './support/story-env.mjs';

const steps = [
  ['2. Log an LLM call', 'log-llm-call.mjs'],
  ['3. Trace the chain', 'trace-rag-chain.mjs'],
  ['4. Route through the gateway', 'gateway.mjs'],
  ['5. Evaluate', 'evaluate-prompts.mjs'],
  ['6. Version and promote', 'promote.mjs'],
  ['7. Watch', 'watch.mjs'],
];

await requireServer();
console.log(`The loan-chatbot story against ${trackingUri}`);
for (const [title, script] of steps) {
  console.log(`\n${'━'.repeat(80)}\n STEP ${title}   (node examples/${script})\n${'━'.repeat(80)}`);
  const started = performance.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
      stdio: 'inherit',
      env: { ...process.env, CAIRN_TRACKING_URI: trackingUri },
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal));
  });
  if (code !== 0) {
    console.error(`\nstep ${title} failed (exit ${code}); the story stops here.`);
    process.exit(1);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`\nThe story ran end to end. Open ${trackingUri} to walk through it in the UI.`);
