import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { ensureDemoRocket } from '../src/demo/embedded.js';
import { isolateDatabase, pidsNamed } from './cpu-slices.js';
import { percentile } from './floor.js';
import { freePort } from './health.js';
import { MULTIPART_BOUNDARY, measureLoad, multipartBody, startServer, stopProcess } from './load.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HELP = `Usage: node dist/bench/jobs.js [--rocket URL] [--image FILE] [--seconds N] [--rounds N]
                              [--job-store postgres://...]

Measures the job queue against synchronous requests on one server (rocket serve), in alternating
rounds: POST /process at concurrency 4 for --seconds, then as many jobs as it answered, submitted
by 4 concurrent clients to POST /jobs and timed from the first submit to the last job finished
(jobs per second through the queue), with GET /health probed every 20 ms throughout. Prints each
round and the medians. The queue's overhead, 1 - jobs/s ÷ /process per second, is taken in each
round, against the load right before its jobs; its median is the median of the rounds', so that a
machine whose speed drifts between rounds does not enter it. Both loads are sent by autocannon
in this process, on the server's cores; the last job is polled (node:http) from 90% of the time
the synchronous load took on. The CPU this process takes per answer and per job is printed beside
the server's, and with --job-store on this machine, the PostgreSQL server's.
Server settings (WORKERS, INTRA_OP_THREADS, ...) come from the environment.

  --rocket     ROCKET_URL to serve (default: the embedded demo rocket)
  --image      image to send (default: build/demo/shapes.jpg)
  --seconds    seconds of synchronous load per round (default 10)
  --rounds     rounds (default 3)
  --job-store  a PostgreSQL URL: the jobs go there, in a schema made for this run and dropped after
               (default: SQLite in a temporary DATA_DIR)
  --database-cores  with --job-store on this machine: stands in for a database on a host of its
               own. Every postgres process runs in a CPU slice (cgroup) of this many cores, and
               the server and this bench in one of the rest, for both loads of every round
               (root, cgroup v1; default: all share every core)
  --out        JSON report path (default: bench-results/jobs-<time>.json)
`;

const { values } = parseArgs({
  options: {
    rocket: { type: 'string' },
    image: { type: 'string', default: join(ROOT, 'build', 'demo', 'shapes.jpg') },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'job-store': { type: 'string' },
    'database-cores': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const CONCURRENCY = 4;
const seconds = Number(values.seconds);
const rocket = values.rocket ?? (await ensureDemoRocket());

/** Where the jobs go: a temporary DATA_DIR, or a fresh schema on the PostgreSQL server named. */
async function jobStore(): Promise<{
  env: Record<string, string>;
  label: string;
  /** CPU seconds the database server has used so far, when it runs beside the server: else 0. */
  databaseCpuSeconds(): number;
  drop(): Promise<void>;
}> {
  const url = values['job-store'];
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'rocket-bench-jobs-'));
    return {
      env: { DATA_DIR: dir },
      label: 'SQLite', // in the server's process: its CPU is the server's
      databaseCpuSeconds: () => 0,
      drop: async () => rmSync(dir, { recursive: true }),
    };
  }
  const schema = `rocket_bench_${randomUUID().replaceAll('-', '')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { JOB_STORE: scoped.toString() },
    label: 'PostgreSQL',
    databaseCpuSeconds: postgresCpuSeconds,
    drop: () => admin(`DROP SCHEMA ${schema} CASCADE`),
  };
}

/** A process's CPU seconds from /proc/<pid>/stat (clock ticks of 1/100 s): its own, and its reaped children's. */
function processCpu(pid: number): { seconds: number; childrenSeconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const ticks = (i: number) => Number(fields[i]);
    return { seconds: (ticks(11) + ticks(12)) / 100, childrenSeconds: (ticks(13) + ticks(14)) / 100 };
  } catch {
    return undefined; // exited meanwhile
  }
}

/**
 * CPU seconds every `postgres` process on this machine has used so far (the server, its backends and
 * background workers): 0 when the database runs elsewhere. The CPU of those that exited (autovacuum
 * workers, closed connections) is counted in their parent's reaped children's time.
 */
function postgresCpuSeconds(): number {
  let seconds = 0;
  for (const pid of pidsNamed('postgres')) {
    const cpu = processCpu(pid);
    if (cpu) seconds += cpu.seconds + cpu.childrenSeconds;
  }
  return seconds;
}

/** Probes GET /health every 20 ms in its own process (bench/prober.ts) until stopped; resolves with the latencies. */
function startProber(port: number): () => Promise<number[]> {
  const prober = spawn(process.execPath, [join(import.meta.dirname, 'prober.js'), String(port), 'realtime'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  prober.stdout?.on('data', (d) => (out += d));
  const exited = new Promise((r) => prober.once('exit', r));
  return async () => {
    prober.kill('SIGTERM');
    await exited;
    return (JSON.parse(out) as { latencies: number[] }).latencies;
  };
}

/** The status reads' connection, kept alive. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * GET `path` from the server: its JSON answer. node:http on kept-alive connections: fetch() took
 * 5.6 ms of CPU a job, taken from the cores the server runs on.
 */
function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Submits `count` jobs from CONCURRENCY clients at once, then waits until each has finished.
 * Resolves with the jobs per second from the first submit to the last finish, and how many failed.
 * `expectedS` is how long the jobs should take (as long as the synchronous load answered them in):
 * the last job is only polled from 90% of it on.
 */
async function runJobs(
  port: number,
  body: Buffer,
  count: number,
  expectedS = 0,
): Promise<{ jobsPerS: number; failed: number }> {
  const ids: string[] = [];
  let refused = '';
  const started = performance.now();
  // Submitted by autocannon, as the synchronous load is sent, so that both cost their client alike.
  await autocannon({
    url: `http://127.0.0.1:${port}/jobs`,
    connections: CONCURRENCY,
    amount: count,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}` },
        body,
        onResponse(status: number, answer: string) {
          if (status === 202) ids.push((JSON.parse(answer) as { id: string }).id);
          else refused ||= `${status}: ${answer}`;
        },
      },
    ],
  });
  if (ids.length !== count) throw new Error(`POST /jobs answered ${refused || `${ids.length} of ${count}`}`);
  // Jobs are claimed oldest first, so the last one submitted finishes (about) last: it alone is
  // polled, every 20 ms (one light GET, at most 20 ms late: 0.25% of an 8 s round, counted against
  // the queue), but only once 90% of the expected time has passed: each read costs the server and
  // this client CPU that the jobs would use. Then the rest are checked once.
  await new Promise((r) => setTimeout(r, started + 900 * expectedS - performance.now()));
  const status = async (id: string) => ((await getJson(port, `/jobs/${id}`)) as { status: string }).status;
  const finished = (s: string) => s === 'succeeded' || s === 'failed' || s === 'canceled';
  let failed = 0;
  let ended = 0;
  for (const id of [ids.at(-1) as string, ...ids.slice(0, -1)]) {
    let s = await status(id);
    let waited = id === ids.at(-1);
    while (!finished(s)) {
      waited = true;
      await new Promise((r) => setTimeout(r, 20));
      s = await status(id);
    }
    if (waited) ended = performance.now(); // a job that finished after the last one submitted
    if (s !== 'succeeded') failed++;
  }
  const elapsedS = (ended - started) / 1000;
  return { jobsPerS: count / elapsedS, failed };
}

/**
 * CPU milliseconds used so far by the server (all its threads, the inference workers too), by this
 * process (the loads' client, on the same cores) and by the database server when it runs on this
 * machine. Throughput on a machine others share varies with the CPU they leave; CPU time per answer
 * does not, so it shows the queue's own cost.
 */
function cpuMs(serverPid: number): { server: number; client: number; database: number } {
  const { user, system } = process.cpuUsage();
  return {
    server: 1000 * (processCpu(serverPid)?.seconds ?? 0),
    client: (user + system) / 1000,
    database: 1000 * store.databaseCpuSeconds(),
  };
}

/** 1 − jobs/s ÷ /process per second, in %: a round's jobs against the load right before them. */
const overheadPct = (r: Round) => 100 * (1 - r.jobsPerS / r.processPerS);

interface Round {
  processPerS: number;
  jobsPerS: number;
  /** Server CPU milliseconds per answer: a synchronous one, and a job (submit, run, GET polls). */
  processCpuMs: number;
  jobCpuMs: number;
  /** This process's CPU milliseconds (the load's client) per answer and per job: both take from the server's cores. */
  clientProcessCpuMs: number;
  clientJobCpuMs: number;
  /**
   * The PostgreSQL server's CPU milliseconds per answer and per job, when it runs on this machine
   * (on the same cores); 0 for SQLite or a database elsewhere.
   */
  databaseProcessCpuMs: number;
  databaseJobCpuMs: number;
  jobs: number;
  failed: number;
  healthP99ProcessMs: number;
  healthP50JobsMs: number;
  healthP99JobsMs: number;
}

const store = await jobStore();
const databaseCores = values['database-cores'] === undefined ? undefined : Number(values['database-cores']);
if (databaseCores !== undefined && store.label !== 'PostgreSQL')
  throw new Error('--database-cores needs --job-store');
const port = await freePort();
const server = await startServer(ROOT, { ROCKET_URL: rocket, ...store.env }, port);
const body = multipartBody(values.image);
const rounds: Round[] = [];
/** Puts the database and the server back on every core, after --database-cores. */
let shareCores: (() => void) | undefined;
try {
  if (databaseCores !== undefined)
    shareCores = isolateDatabase(databaseCores, [process.pid, server.pid as number]);
  await measureLoad(port, values.image, CONCURRENCY, 2, 'realtime'); // warm-up
  await runJobs(port, body, 20);
  for (let i = 0; i < Number(values.rounds); i++) {
    const cpu0 = cpuMs(server.pid as number);
    const sync = await measureLoad(port, values.image, CONCURRENCY, seconds, 'realtime');
    const cpu1 = cpuMs(server.pid as number);
    const count = Math.max(20, Math.round(sync.throughputRps * seconds));
    const stopProber = startProber(port);
    const jobs = await runJobs(port, body, count, count / sync.throughputRps);
    const health = await stopProber();
    const cpu2 = cpuMs(server.pid as number);
    const answers = sync.throughputRps * seconds;
    rounds.push({
      processPerS: sync.throughputRps,
      jobsPerS: jobs.jobsPerS,
      processCpuMs: (cpu1.server - cpu0.server) / answers,
      jobCpuMs: (cpu2.server - cpu1.server) / count,
      clientProcessCpuMs: (cpu1.client - cpu0.client) / answers,
      clientJobCpuMs: (cpu2.client - cpu1.client) / count,
      databaseProcessCpuMs: (cpu1.database - cpu0.database) / answers,
      databaseJobCpuMs: (cpu2.database - cpu1.database) / count,
      jobs: count,
      failed: jobs.failed,
      healthP99ProcessMs: sync.healthP99Ms,
      healthP50JobsMs: percentile(health, 50),
      healthP99JobsMs: percentile(health, 99),
    });
    const r = rounds.at(-1) as Round;
    process.stdout.write(
      `round ${i + 1}: /process ${r.processPerS.toFixed(2)}/s, jobs ${r.jobsPerS.toFixed(2)}/s (${count}, ${r.failed} failed), ` +
        `overhead ${overheadPct(r).toFixed(1)}%, CPU ${r.processCpuMs.toFixed(1)} ms per answer, ` +
        `${r.jobCpuMs.toFixed(1)} ms per job (client ${r.clientProcessCpuMs.toFixed(1)} and ${r.clientJobCpuMs.toFixed(1)} ms` +
        `${r.databaseJobCpuMs > 0 ? `, local PostgreSQL ${r.databaseProcessCpuMs.toFixed(1)} and ${r.databaseJobCpuMs.toFixed(1)} ms` : ''}), ` +
        `/health p99 ${r.healthP99JobsMs.toFixed(1)} ms during jobs ` +
        `(${r.healthP99ProcessMs.toFixed(1)} ms during /process)\n`,
    );
  }
} finally {
  agent.destroy();
  await stopProcess(server);
  shareCores?.();
  await store.drop();
}
const median = (key: keyof Round) =>
  percentile(
    rounds.map((r) => r[key]),
    50,
  );
const summary = {
  store: store.label,
  databaseCores: databaseCores ?? null,
  rocket,
  image: values.image,
  concurrency: CONCURRENCY,
  seconds,
  rounds,
  median: {
    processPerS: median('processPerS'),
    jobsPerS: median('jobsPerS'),
    overheadPct: percentile(rounds.map(overheadPct), 50),
    processCpuMs: median('processCpuMs'),
    jobCpuMs: median('jobCpuMs'),
    clientProcessCpuMs: median('clientProcessCpuMs'),
    clientJobCpuMs: median('clientJobCpuMs'),
    databaseProcessCpuMs: median('databaseProcessCpuMs'),
    databaseJobCpuMs: median('databaseJobCpuMs'),
    healthP99JobsMs: median('healthP99JobsMs'),
  },
};
process.stdout.write(`${store.label}: ${JSON.stringify(summary.median)}\n`);
const out =
  values.out ?? join(ROOT, 'bench-results', `jobs-${new Date().toISOString().replaceAll(':', '-')}.json`);
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
