import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** The CPU period of a slice's quota: 100 ms, the kernel's default. */
const PERIOD_US = 100_000;

/**
 * The cgroup v1 `cpu` hierarchy, where a group's CPU time per period is capped. (This machine has
 * no CPU controller in the unified v2 hierarchy, so only v1 is supported: untried code would be
 * worse than a clear error.)
 */
const CPU_ROOT = '/sys/fs/cgroup/cpu';

/**
 * Caps the group at `dir` to `cores` CPUs' worth of time per period. With `realtime`, its
 * real-time threads (the server's event loop under EVENT_LOOP_PRIORITY=realtime, the /health
 * prober) may run in it as they may outside: a group without real-time time refuses them (EINVAL).
 */
function limit(dir: string, cores: number, realtime = false): void {
  writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(cores * PERIOD_US)));
  const rt = join(dir, 'cpu.rt_runtime_us');
  if (realtime && existsSync(rt)) writeFileSync(rt, readFileSync(join(CPU_ROOT, 'cpu.rt_runtime_us')));
}

/** The `cpu` group a process is in, as a folder under {@link CPU_ROOT}. */
function cpuGroupOf(pid: number): string {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, controllers = '', path = '/'] = line.split(':');
    if (controllers.split(',').includes('cpu')) return join(CPU_ROOT, path);
  }
  return CPU_ROOT;
}

const moveTo = (dir: string, pid: number) => writeFileSync(join(dir, 'cgroup.procs'), String(pid));

/** The processes in the group at `dir`. */
const readProcs = (dir: string): number[] =>
  readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);

/** The pids of every process named `name` on this machine. */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === name;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/**
 * Stands in for a database on a host of its own, on one machine: every `postgres` process goes
 * into a CPU slice (cgroup) of `databaseCores`, and the `serving` processes (and the children they
 * start later) into one of the remaining cores. The database then takes none of their CPU time, as
 * on a separate host, while both loads of a round run on the same cores. The postmaster's future
 * backends start in its slice. Returns how to put every process back and remove the slices.
 */
export function isolateDatabase(databaseCores: number, serving: readonly number[]): () => void {
  const servingCores = availableParallelism() - databaseCores;
  if (!(databaseCores > 0 && servingCores > 0)) {
    throw new Error(`--database-cores must be above 0 and below ${availableParallelism()}`);
  }
  if (!existsSync(join(CPU_ROOT, 'cpu.cfs_quota_us'))) {
    throw new Error(`--database-cores needs the cgroup v1 CPU controller at ${CPU_ROOT}, and root`);
  }
  const postgres = pidsNamed('postgres');
  if (postgres.length === 0) throw new Error('--database-cores: no postgres process runs on this machine');
  const origins = { database: cpuGroupOf(postgres[0] as number), serving: cpuGroupOf(serving[0] as number) };
  const slices = {
    database: join(CPU_ROOT, `rocketbench-${process.pid}-database`),
    serving: join(CPU_ROOT, `rocketbench-${process.pid}-serving`),
  };
  const restore = () => {
    for (const pid of readProcs(slices.database)) moveTo(origins.database, pid);
    for (const pid of readProcs(slices.serving)) moveTo(origins.serving, pid);
    rmdirSync(slices.database);
    rmdirSync(slices.serving);
  };
  mkdirSync(slices.database);
  mkdirSync(slices.serving);
  try {
    limit(slices.database, databaseCores);
    limit(slices.serving, servingCores, true);
    for (const pid of postgres) moveTo(slices.database, pid);
    for (const pid of serving) moveTo(slices.serving, pid);
  } catch (err) {
    restore();
    throw err;
  }
  return restore;
}
