/**
 * Launching `cairn server` (and a serving `cairn gateway`) with V8 heap flags sized for a
 * server. Its garbage is short-lived request data; V8's default lets each semi-space grow to
 * 16 MB, which adds ~15 MB to the idle server and ~20–35 MB under load for no measurable
 * throughput gain, and under fast allocation (OTLP ingestion, log-batch) V8 lets the old
 * generation grow up to 4× its live size before the next full collection, peaking ~185 MB where
 * a fixed 2× stayed ~135 MB, and 1.6× keeps OTLP ingestion with its decoding thread under 150
 * MB at the same throughput (bench/README.md has the numbers). Both must be given when the
 * isolate is created (`v8.setFlagsFromString` after start does not shrink the young generation,
 * measured), so a single-process server re-runs itself once with them; with `--workers N` the
 * cluster primary gives them to its workers instead. This module only uses node builtins, so the
 * launcher that imports it stays small.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** The V8 flag capping the young generation (semi-space size in MB). */
export const youngGenerationFlag = '--max-semi-space-size=4';

/** The V8 flags `cairn server` runs with: the young-generation cap, and old-space growth of 1.6×. */
export const serverV8Flags = [youngGenerationFlag, '--heap-growing-percent=60'] as const;

/**
 * The V8 flags a serving `cairn gateway` runs with: 8 MB semi-spaces. Each call holds ~40 KB of
 * garbage for a few milliseconds; with 64 calls in flight, 4 MB semi-spaces are scavenged so
 * often that in-flight calls survive two scavenges and are promoted, and old-space collection then
 * costs more than the young one. Measured at concurrency 64: CPU per request 12% lower, RSS
 * ~108 MB instead of ~97 MB (16 MB: 20% lower, ~125 MB).
 *
 * And no allocation-site pretenuring: V8 took the upstream answers' header buffers for long-lived
 * and allocated them straight in the old generation, where ~2 KB per call of garbage set off
 * four full collections a second. Without it (measured at concurrency 64 over 8 s): 34 → 2 full
 * collections, p99 latency 12 → 5 ms, throughput +18%. With so little promoted, the old
 * generation may grow by 30% before its next collection rather than 60%: RSS under load ~4 MB
 * lower (109–111 against 113–116 MB, two pairs), CPU per call the same.
 */
export const gatewayV8Flags = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=30',
  '--no-allocation-site-pretenuring',
] as const;

/** The V8 flags `command` is re-run with. */
export function v8FlagsFor(command: string): readonly string[] {
  return command === 'gateway' ? gatewayV8Flags : serverV8Flags;
}

/**
 * glibc malloc settings for the serving process, where the user has not set their own (other C
 * libraries ignore them). Each thread that allocates (libuv's pool, V8's helpers, the OTLP
 * decoding thread) would otherwise get an arena of its own, and after a large buffer is freed
 * glibc raises its mmap threshold, so later request bodies and messages of ~100 KB come from
 * those arenas and stay resident. Measured on OTLP ingestion: peak RSS ~10 MB lower, same
 * throughput (bench/README.md).
 */
export const serverMallocEnv = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' } as const;

/** The malloc settings of `serverMallocEnv` that `env` does not set itself. */
export function mallocEnvFor(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(serverMallocEnv).filter(([name]) => env[name] === undefined),
  );
}

/**
 * The malloc settings `command` is re-run with: the server's, and none for the gateway, whose RSS
 * under load they raised (c=64 on the gateway bench, two pairs: 124 and 133 MB with them, 104
 * and 106 MB with glibc's own).
 */
export function mallocEnvOf(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return command === 'gateway' ? {} : mallocEnvFor(env);
}

/** Marks the re-run server or gateway process, so it knows its parent is the launcher. */
const launchedEnv = 'CAIRN_SERVER_LAUNCHED';

/** True when the user already chose a semi-space size (flag or NODE_OPTIONS); theirs wins. */
export function hasSemiSpaceFlag(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  const chosen = (arg: string) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(arg);
  return execArgv.some(chosen) || (nodeOptions ?? '').split(/\s+/).some(chosen);
}

/**
 * The worker count `cairn server <args>` will use, read the way the command does (flag over
 * CAIRN_WORKERS); only used to pick how the flag is applied, so an unreadable value counts as 1.
 */
export function requestedWorkers(args: readonly string[], env: NodeJS.ProcessEnv): number {
  let value = env.CAIRN_WORKERS;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') break;
    if (arg === '--workers' || arg === '-w') value = args[++index];
    else if (arg.startsWith('--workers=')) value = arg.slice('--workers='.length);
    else if (/^-w\d/.test(arg)) value = arg.slice(2);
  }
  const workers = Number(value);
  return Number.isInteger(workers) && workers > 1 ? workers : 1;
}

/** True under a debugger (`--inspect…`): the server must stay in the process being debugged. */
export function isInspecting(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  const inspect = (arg: string) => arg.startsWith('--inspect');
  return execArgv.some(inspect) || (nodeOptions ?? '').split(/\s+/).some(inspect);
}

/**
 * Whether `cairn gateway <args>` starts the gateway: not `--check` (validate and exit) nor the
 * `keys` subcommands (short-lived). Only decides whether to relaunch, so a miss costs nothing
 * but the flags.
 */
export function gatewayServes(args: readonly string[]): boolean {
  const takesValue = /^(-c|--config|-h|--host|-p|--port|--redis-url|--tracking-uri)$/;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') break;
    if (arg === '--check' || arg === 'keys') return false;
    if (takesValue.test(arg)) index++;
  }
  return true;
}

/**
 * Whether `cairn <command> <args>` in this process should re-run itself with the server's V8
 * flags: `server` when it runs in this process (one worker), `gateway` when it serves.
 */
export function shouldRelaunch(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const serves =
    command === 'server'
      ? requestedWorkers(args, env) === 1
      : command === 'gateway' && gatewayServes(args);
  return (
    serves &&
    env[launchedEnv] === undefined &&
    !hasSemiSpaceFlag(process.execArgv, env.NODE_OPTIONS) &&
    !isInspecting(process.execArgv, env.NODE_OPTIONS)
  );
}

/** `execArgv` for cluster workers: the primary's own flags plus the server's V8 flags. */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  return hasSemiSpaceFlag(execArgv) ? [...execArgv] : [...execArgv, ...serverV8Flags];
}

const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const;

/**
 * Re-runs this script (`process.argv`) in a child Node with the V8 flags and malloc settings
 * given, sharing stdio, and mirrors it: signals sent to this process are passed on once, and this process ends
 * with the child's exit code or signal. The child runs in its own process group so a terminal's
 * Ctrl-C reaches it exactly once (through here, not twice), and it stops itself when this
 * launcher disappears (an IPC channel closes), so `kill -9` of the launcher leaves no server behind.
 */
export function relaunchWithServerFlags(
  flags: readonly string[] = serverV8Flags,
  mallocEnv: Record<string, string> = mallocEnvFor(process.env),
): ChildProcess {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...mallocEnv, [launchedEnv]: '1' },
    detached: true,
  });
  const pass = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = forwarded.map((signal) => [signal, pass(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  child.once('error', (error) => {
    console.error(`cairn: could not start the server process: ${error.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    for (const [name, handler] of handlers) process.off(name, handler);
    // End as the child did, so shells and supervisors see the same status as without the launcher.
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
  return child;
}

/**
 * In the re-run server: stop with SIGTERM (a clean shutdown) when the launcher goes away, and do
 * not let the launcher's channel keep the process alive. A no-op in any other process.
 */
export function followLauncher(): void {
  if (process.env[launchedEnv] === undefined || !process.channel) return;
  // Children this server may start (none today) should not think they were launched by us.
  delete process.env[launchedEnv];
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
