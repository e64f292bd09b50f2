import { setFlagsFromString } from 'node:v8';
import { flagName, flagNames } from '../v8-flags.js';

/**
 * V8 settings for a server that receives large uploads while inference keeps every core busy.
 * Both are read at every GC, so setting them after start-up takes effect.
 *
 * - `--heap-growing-percent=300`: the heap may grow to four times what survived the last full
 *   GC before the next one. Uploads, decoded pixels and worker results are ArrayBuffers outside the
 *   JS heap, but V8 counts those that outlive a scavenge (every request in flight) against an
 *   old-generation limit sized from the JS heap, which is small here (about 15 MB). With 0.7 MB
 *   uploads at 90 a second that was a full mark-compact on the event loop every 80 ms, about 12%
 *   of a core; with this setting, two in ten seconds.
 * - `--no-parallel-scavenge`: the event loop scavenges alone. Helper threads run at normal
 *   priority and wait behind inference for a core, while the (real-time) event loop waits for
 *   them: measured under load, scavenge pauses of p90 2.5 ms and up to 6.7 ms, against p90 0.6 ms
 *   and at most 1.6 ms alone.
 */
const GC_FLAGS = ['--heap-growing-percent=300', '--no-parallel-scavenge'];

/** The GC flags to set: all of {@link GC_FLAGS} except those node was started with. */
export function gcFlagsToSet(execArgv: readonly string[]): string[] {
  const given = flagNames(execArgv);
  return GC_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/**
 * Sets the GC flags this server wants, leaving alone any that node was started with. Called once
 * at startup, by applyProcessSettings() (src/process-settings.ts).
 */
export function tuneGarbageCollector(execArgv: readonly string[] = process.execArgv): void {
  for (const flag of gcFlagsToSet(execArgv)) setFlagsFromString(flag);
}
