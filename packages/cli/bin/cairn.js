#!/usr/bin/env node
// `cairn server` takes a short path: it re-runs itself once with V8 heap flags sized for a server
// (src/server-launcher.ts says why) and loads only the server command; everything else loads the
// full command tree.
if (process.argv[2] === 'server') {
  const launcher = await import('../dist/server-launcher.js');
  if (launcher.shouldRelaunch(process.argv.slice(3))) {
    launcher.relaunchWithServerFlags();
  } else {
    const { serverMain } = await import('../dist/server-main.js');
    await serverMain(process.argv);
  }
} else {
  const { main } = await import('../dist/index.js');
  await main(process.argv);
}
