import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureDemoRocket } from '../src/demo/embedded.js';
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
machine whose speed drifts between rounds does not enter it. Both clients run in this process,
on the server's cores, over kept-alive connections (autocannon, then node:http); the CPU each
takes per answer is printed beside the server's.
Server settings (WORKERS, INTRA_OP_THREADS, ...) come from the environment.

  --rocket     ROCKET_URL to serve (default: the embedded demo rocket)
  --image      image to send (default: build/demo/shapes.jpg)
  --seconds    seconds of synchronous load per round (default 10)
  --rounds     rounds (default 3)
  --job-store  a PostgreSQL URL: the jobs go there, in a schema made for this run and dropped after
               (default: SQLite in a temporary DATA_DIR)
  --out        JSON report path (default: bench-results/jobs-<time>.json)
`;

const { values } = parseArgs({
  options: {
    rocket: { type: 'string' },
    image: { type: 'string', default: join(ROOT, 'build', 'demo', 'shapes.jpg') },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'job-store': { type: 'string' },
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
async function jobStore(): Promise<{ env: Record<string, string>; label: string; drop(): Promise<void> }> {
  const url = values['job-store'];
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'rocket-bench-jobs-'));
    return { env: { DATA_DIR: dir }, label: 'SQLite', drop: async () => rmSync(dir, { recursive: true }) };
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
    drop: () => admin(`DROP SCHEMA ${schema} CASCADE`),
  };
}

/**
 * CPU seconds a process has used so far, all its threads (the inference workers too): utime + stime
 * of /proc/<pid>/stat, in clock ticks of 1/100 s. Throughput on a machine others share varies with
 * the CPU they leave; CPU time per answer does not, so it shows the queue's own cost.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

/** Keeps CONCURRENCY connections open, as autocannon does for the synchronous rounds. */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * One request to the server: its status and JSON answer. node:http on kept-alive connections, so
 * that the client costs about what autocannon costs for /process (0.5-0.7 ms of CPU a request
 * here): fetch() took 5.6 ms a job, taken from the cores the server runs on.
 */
function call(
  port: number,
  method: string,
  path: string,
  body?: Buffer,
): Promise<{ status: number; json: unknown }> {
  const headers = body
    ? { 'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`, 'content-length': body.length }
    : {};
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Submits `count` jobs from CONCURRENCY clients at once, then waits until each has finished.
 * Resolves with the jobs per second from the first submit to the last finish, and how many failed.
 */
async function runJobs(
  port: number,
  body: Buffer,
  count: number,
): Promise<{ jobsPerS: number; failed: number }> {
  const ids: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        const { status, json } = await call(port, 'POST', '/jobs', body);
        if (status !== 202) throw new Error(`POST /jobs answered ${status}: ${JSON.stringify(json)}`);
        ids.push((json as { id: string }).id);
      }
    }),
  );
  // Jobs are claimed oldest first, so the last one submitted finishes (about) last: it alone is
  // polled, every 20 ms (one light GET, at most 20 ms late: 0.25% of an 8 s round, counted against
  // the queue); then the rest are checked once.
  const status = async (id: string) =>
    ((await call(port, 'GET', `/jobs/${id}`)).json as { status: string }).status;
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

/** 1 − jobs/s ÷ /process per second, in %: a round's jobs against the load right before them. */
/** CPU milliseconds this process has used so far. */
function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

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
  jobs: number;
  failed: number;
  healthP99ProcessMs: number;
  healthP50JobsMs: number;
  healthP99JobsMs: number;
}

const store = await jobStore();
const port = await freePort();
const server = await startServer(ROOT, { ROCKET_URL: rocket, ...store.env }, port);
const body = multipartBody(values.image);
const rounds: Round[] = [];
try {
  await measureLoad(port, values.image, CONCURRENCY, 2, 'realtime'); // warm-up
  await runJobs(port, body, 20);
  for (let i = 0; i < Number(values.rounds); i++) {
    const pid = server.pid as number;
    const cpu0 = cpuSeconds(pid);
    const client0 = clientCpuMs();
    const sync = await measureLoad(port, values.image, CONCURRENCY, seconds, 'realtime');
    const cpu1 = cpuSeconds(pid);
    const client1 = clientCpuMs();
    const count = Math.max(20, Math.round(sync.throughputRps * seconds));
    const stopProber = startProber(port);
    const jobs = await runJobs(port, body, count);
    const health = await stopProber();
    const cpu2 = cpuSeconds(pid);
    const client2 = clientCpuMs();
    rounds.push({
      processPerS: sync.throughputRps,
      jobsPerS: jobs.jobsPerS,
      processCpuMs: (1000 * (cpu1 - cpu0)) / (sync.throughputRps * seconds),
      jobCpuMs: (1000 * (cpu2 - cpu1)) / count,
      clientProcessCpuMs: (client1 - client0) / (sync.throughputRps * seconds),
      clientJobCpuMs: (client2 - client1) / count,
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
        `${r.jobCpuMs.toFixed(1)} ms per job (client ${r.clientProcessCpuMs.toFixed(1)} and ${r.clientJobCpuMs.toFixed(1)} ms), ` +
        `/health p99 ${r.healthP99JobsMs.toFixed(1)} ms during jobs ` +
        `(${r.healthP99ProcessMs.toFixed(1)} ms during /process)\n`,
    );
  }
} finally {
  agent.destroy();
  await stopProcess(server);
  await store.drop();
}
const median = (key: keyof Round) =>
  percentile(
    rounds.map((r) => r[key]),
    50,
  );
const summary = {
  store: store.label,
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
    healthP99JobsMs: median('healthP99JobsMs'),
  },
};
process.stdout.write(`${store.label}: ${JSON.stringify(summary.median)}\n`);
const out =
  values.out ?? join(ROOT, 'bench-results', `jobs-${new Date().toISOString().replaceAll(':', '-')}.json`);
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
