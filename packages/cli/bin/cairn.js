#!/usr/bin/env node
// `cairn server` and a serving `cairn gateway` re-run themselves once with V8 heap flags sized
// for a server (src/server-launcher.ts says why) and then load only their own command;
// everything else loads the full command tree.
const command = process.argv[2];
const launcher =
  command === 'server' || command === 'gateway'
    ? await import('../dist/server-launcher.js')
    : undefined;
if (launcher?.shouldRelaunch(command, process.argv.slice(3))) {
  launcher.relaunchWithServerFlags(launcher.v8FlagsFor(command), launcher.mallocEnvOf(command));
} else {
  // Before any start-up work, so that no collection drops nextTick's shapes (src/tick-shape.ts).
  if (launcher) (await import('../dist/tick-shape.js')).pinTickShape();
  if (command === 'server') {
    const { serverMain } = await import('../dist/server-main.js');
    await serverMain(process.argv);
  } else if (command === 'gateway' && launcher.gatewayServes(process.argv.slice(3))) {
    const { gatewayMain } = await import('../dist/gateway-main.js');
    await gatewayMain(process.argv);
  } else {
    launcher?.followLauncher();
    const { main } = await import('../dist/index.js');
    await main(process.argv);
  }
}
