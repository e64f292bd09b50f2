import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_LOOP_PRIORITIES, type EventLoopPriority } from '../src/config/options.js';
import { ensureDemoRocket } from '../src/demo/embedded.js';
import { type ColdStartResult, measureColdStart } from './cold-start.js';
import { type FloorResult, measureFloor } from './floor.js';
import { freePort } from './health.js';
import { type LoadResult, measureLoad, peakRssMb, spawnServer, startServer, stopProcess } from './load.js';
import { warmOptimizedCache } from './optimized-cache.js';
import {
  checkPeerAnswer,
  defaultPeerDir,
  localOnnx,
  type PeerSetup,
  preparePeer,
  spawnPeer,
  startPeer,
  yoloV8Mismatch,
} from './peer.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HELP = `Usage: npm run bench -- [--rocket URL] [--image FILE] [--seconds N] [--out FILE]
                       [--probe-priority realtime|normal] [--peer DIR|none]

Measures the cold start (the median of 5 fresh processes: from the spawn to /readyz, and to the
first POST /process answered; first with an empty CACHE_DIR each, as on a machine that never served
the rocket, then once onnxruntime's optimized copy of the model is in CACHE_DIR), the in-process
floor (decode, preprocess, inference, postprocess; no HTTP) and the HTTP server under load
(concurrency 1 and 4, with /health probes), then prints the ratios to the floor. With a peer, it
measures the peer's cold start and load the same way, and prints every goal of the table in
docs/operations.md with ours, the peer's and the ratio.
Server settings (WORKERS, INTRA_OP_THREADS, BATCH_MAX, ...) come from the environment; CACHE_DIR
too, else bench-results/cache.

  --rocket   ROCKET_URL to serve (default: the embedded demo rocket)
  --image    image to POST (default: build/demo/shapes.jpg)
  --seconds  seconds per measurement (default 10)
  --out      JSON report path (default: bench-results/bench-<time>.json)
  --probe-priority
             realtime (default): the /health prober runs under SCHED_RR where permitted, standing in
             for a kubelet or Cloud Run probe that does not compete with the load for these cores;
             normal: it competes, so its own wait for a core is part of what it measures
  --peer     a peer server folder (server.js, package.json, package-lock.json) answering
             POST /process and GET /health, started as MODEL=<rocket .onnx> PORT=<port> node server.js
             (default: ../shared/peers/naive-node beside the project, when it exists and the rocket
             is a local .onnx file; none: no peer). It is copied to bench-results/peer-<name>/ and
             installed there once (npm ci, ONNXRUNTIME_NODE_INSTALL=skip), then loaded right after
             our server at concurrency 1 and 4 with the same image, seconds and prober. If it cannot
             run (not a YOLOv8 detector, install failed, ...), the bench says why and goes on
`;

const { values } = parseArgs({
  options: {
    rocket: { type: 'string' },
    image: { type: 'string', default: join(ROOT, 'build', 'demo', 'shapes.jpg') },
    seconds: { type: 'string', default: '10' },
    out: { type: 'string' },
    'probe-priority': { type: 'string', default: 'realtime' },
    peer: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const seconds = Number(values.seconds);
const probePriority = values['probe-priority'] as EventLoopPriority;
if (!EVENT_LOOP_PRIORITIES.includes(probePriority)) {
  process.stderr.write(`--probe-priority must be realtime or normal\n${HELP}`);
  process.exit(2);
}
const rocket = values.rocket ?? (await ensureDemoRocket());
const env = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
);
env.CACHE_DIR = resolve(env.CACHE_DIR ?? join(ROOT, 'bench-results', 'cache'));
const cacheDir = env.CACHE_DIR;
const cores = availableParallelism();

// The peer is prepared (copied, installed, its model checked) before anything is measured, so that
// npm does not compete with the measurements; it is loaded right after our server.
let peer: PeerSetup | undefined;
let peerSkipped: string | undefined;
if (values.peer !== 'none') {
  const dir = values.peer !== undefined ? resolve(values.peer) : defaultPeerDir(ROOT);
  const model = localOnnx(rocket);
  if (dir === undefined)
    peerSkipped = 'no ../shared/peers/naive-node beside the project (--peer DIR names one)';
  else if (model === undefined)
    peerSkipped = `the rocket is not a local .onnx file (the peer takes MODEL=file.onnx)`;
  else {
    try {
      const mismatch = await yoloV8Mismatch(model);
      if (mismatch !== undefined) peerSkipped = mismatch;
      else peer = preparePeer(dir, ROOT, model);
    } catch (e) {
      peerSkipped = (e as Error).message.split('\n')[0];
    }
  }
  if (peerSkipped !== undefined) process.stderr.write(`peer: skipped: ${peerSkipped}\n`);
}

// Cold starts first, on idle cores: ours, then the peer's, each the median of COLD_STARTS processes.
// Ours twice. First as on a machine that never served the rocket: each process with an empty
// CACHE_DIR of its own (a local rocket only: a remote one would be downloaded each time). Then, after
// one server has run until onnxruntime's optimized copy of the model is in CACHE_DIR, as on a machine
// that has served it before (a volume, a node, a laptop): the start the goal compares.
const COLD_STARTS = 5;
const coldPort = await freePort();
const startOurs = (cache: string) => () =>
  spawnServer(ROOT, { ...env, ROCKET_URL: rocket, CACHE_DIR: cache }, coldPort);
let coldFirstOnMachine: ColdStartResult | undefined;
if (rocket.startsWith('file:') || existsSync(rocket)) {
  const fresh = mkdtempSync(join(tmpdir(), 'rocketbench-cache-'));
  let n = 0;
  try {
    coldFirstOnMachine = await measureColdStart(
      () => startOurs(join(fresh, String(n++)))(),
      coldPort,
      values.image,
      '/readyz',
      COLD_STARTS,
    );
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}
const optimizedCopy = await warmOptimizedCache(startOurs(cacheDir), cacheDir);
const cold = await measureColdStart(startOurs(cacheDir), coldPort, values.image, '/readyz', COLD_STARTS);
let peerCold: ColdStartResult | undefined;
if (peer !== undefined) {
  const setup = peer;
  try {
    peerCold = await measureColdStart(
      () => spawnPeer(setup, coldPort),
      coldPort,
      values.image,
      '/health',
      COLD_STARTS,
    );
  } catch (e) {
    process.stderr.write(`peer: cold start not measured: ${(e as Error).message}\n`);
  }
}

// The floor: the server's own thread plan, plus the other extreme, to find the best the cores allow.
const plans: Record<string, string>[] = [
  {},
  { WORKERS: String(cores), INTRA_OP_THREADS: '1' },
  { WORKERS: '1', INTRA_OP_THREADS: String(cores) },
];
const floors: (FloorResult & { plan: Record<string, string> })[] = [];
for (const plan of plans) {
  floors.push({ plan, ...(await measureFloor(rocket, values.image, { ...env, ...plan }, seconds, 4)) });
}
const floor = floors[0] as FloorResult;
const bestFloorRps = Math.max(...floors.map((f) => f.throughputRps));

const port = await freePort();
const server = await startServer(ROOT, { ...env, ROCKET_URL: rocket }, port);
const loads: LoadResult[] = [];
for (const concurrency of [1, 4]) {
  loads.push(await measureLoad(port, values.image, concurrency, seconds, probePriority));
}
const rssMb = peakRssMb(server.pid as number);
await stopProcess(server);

const peerLoads: LoadResult[] = [];
let peerRssMb = Number.NaN;
let peerDetections = 0;
if (peer !== undefined) {
  try {
    const peerPort = await freePort();
    const proc = await startPeer(peer, peerPort);
    try {
      peerDetections = await checkPeerAnswer(peerPort, values.image); // also its warm-up request
      for (const concurrency of [1, 4]) {
        peerLoads.push(await measureLoad(peerPort, values.image, concurrency, seconds, probePriority));
      }
      peerRssMb = peakRssMb(proc.pid as number);
    } finally {
      await stopProcess(proc);
    }
  } catch (e) {
    peerSkipped = `${peer.name} did not run: ${(e as Error).message.split('\n')[0]}`;
    peerLoads.length = 0;
    process.stderr.write(`peer: skipped: ${peerSkipped}\n`);
  }
}

const [c1, c4] = loads as [LoadResult, LoadResult];
const ratios = {
  c1LatencyOverFloor: c1.latencyP50Ms / floor.latencyP50Ms,
  c4ThroughputOverBestFloor: c4.throughputRps / bestFloorRps,
};
const [p1, p4] = peerLoads as [LoadResult | undefined, LoadResult | undefined];
const peerRatios =
  p1 && p4
    ? {
        c1LatencyP50OursOverPeer: c1.latencyP50Ms / p1.latencyP50Ms,
        c4ThroughputOursOverPeer: c4.throughputRps / p4.throughputRps,
      }
    : undefined;
/** One row of the goals table: the peer's figure, ours, ours / peer, and whether the goal is met. */
function goalRow(
  what: string,
  unit: string,
  theirs: number | undefined,
  ours: number,
  goal: string,
  /** Whether the goal is met; null for a row that only informs (its goal `-`). */
  met: ((ours: number, ratio: number | undefined) => boolean) | null,
  digits = 1,
): string {
  const figure = (n: number | undefined) =>
    (n === undefined || Number.isNaN(n) ? '-' : `${n.toFixed(digits)} ${unit}`).padStart(11);
  const ratio = theirs === undefined || Number.isNaN(theirs) ? undefined : ours / theirs;
  const verdict =
    met === null
      ? '-'
      : met(ours, ratio)
        ? 'met'
        : ratio === undefined && goal.includes('tutorial')
          ? 'no peer'
          : 'NOT MET';
  return `${what.padEnd(40)}${figure(theirs)} ${figure(ours)} ${(ratio === undefined ? '-' : ratio.toFixed(3)).padStart(7)}   ${goal.padEnd(20)} ${verdict}`;
}
const goals = [
  `${`goal (median of ${COLD_STARTS} cold starts)`.padEnd(40)}${'tutorial'.padStart(11)} ${'ours'.padStart(11)} ${'ratio'.padStart(7)}   ${'goal'.padEnd(20)} verdict`,
  goalRow(
    'process start -> first /process answered',
    's',
    peerCold && peerCold.firstAnswerMs / 1000,
    cold.firstAnswerMs / 1000,
    '<= tutorial',
    (_, r) => r !== undefined && r <= 1,
    2,
  ),
  goalRow(
    '  the same, first start on a machine',
    's',
    peerCold && peerCold.firstAnswerMs / 1000,
    (coldFirstOnMachine?.firstAnswerMs ?? Number.NaN) / 1000,
    '-',
    null,
    2,
  ),
  goalRow(
    'process start -> ready',
    's',
    peerCold && peerCold.readyMs / 1000,
    cold.readyMs / 1000,
    '-',
    null,
    2,
  ),
  goalRow(
    'c=1 p50',
    'ms',
    p1?.latencyP50Ms,
    c1.latencyP50Ms,
    '<= 0.75 x tutorial',
    (_, r) => r !== undefined && r <= 0.75,
  ),
  goalRow(
    'c=4 throughput',
    'req/s',
    p4?.throughputRps,
    c4.throughputRps,
    '>= 1.4 x tutorial',
    (_, r) => r !== undefined && r >= 1.4,
  ),
  goalRow('/health p99 under c=4', 'ms', p4?.healthP99Ms, c4.healthP99Ms, '<= 5 ms', (o) => o <= 5, 2),
  goalRow('peak RSS under c=4', 'MB', p4 ? peerRssMb : undefined, rssMb, '<= 400 MB', (o) => o <= 400, 0),
];
const fmt = (n: number, d = 1) => n.toFixed(d).padStart(8);
const header = '                 p50 ms   p99 ms    req/s  health p50  health p99   non-2xx  errors';
const row = (label: string, l: LoadResult) =>
  `${`${label} c=${l.concurrency}`.padEnd(15)}${fmt(l.latencyP50Ms)} ${fmt(l.latencyP99Ms)} ${fmt(l.throughputRps)}    ${fmt(l.healthP50Ms, 2)}    ${fmt(l.healthP99Ms, 2)}  ${String(l.non2xx).padStart(8)} ${String(l.errors).padStart(7)}`;
/** Every start's first answer, in seconds. */
const firstAnswers = (result: ColdStartResult) =>
  result.runs.map((r) => (r.firstAnswerMs / 1000).toFixed(2)).join(' ');
const lines = [
  `rocketserve bench: ${rocket} on ${values.image}`,
  `machine: ${cores} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  '',
  ...goals,
  '',
  `cold starts, first /process answered (s): ours ${firstAnswers(cold)}${peerCold ? `; tutorial ${firstAnswers(peerCold)}` : ''}`,
  `  ours with an empty CACHE_DIR: ${coldFirstOnMachine ? firstAnswers(coldFirstOnMachine) : 'not measured (a remote rocket)'}`,
  `  onnxruntime's optimized copy of the model in ${cacheDir}: ${optimizedCopy ? 'yes' : 'no: none was saved (see docs/operations.md)'}`,
  '',
  `floor (in-process, no HTTP), sequential p50 ms: decode ${floor.stagesP50.decodeMs.toFixed(1)}, preprocess ${floor.stagesP50.preprocessMs.toFixed(1)}, inference ${floor.stagesP50.inferenceMs.toFixed(1)}, postprocess ${floor.stagesP50.postprocessMs.toFixed(1)}, total ${floor.latencyP50Ms.toFixed(1)}`,
  ...floors.map(
    (f) =>
      `floor throughput at concurrency 4, ${JSON.stringify(f.plan) === '{}' ? 'server plan' : JSON.stringify(f.plan)}: ${f.throughputRps.toFixed(1)} req/s`,
  ),
  '',
  header,
  ...loads.map((l) => row('server', l)),
  '',
  ...(peer !== undefined && peerRatios !== undefined
    ? [
        `peer ${peer.name} (${peer.source}): the same image, seconds and prober, right after ours; it answered 200 with ${peerDetections} detections`,
        header,
        ...peerLoads.map((l) => row('peer', l)),
        '',
      ]
    : peerSkipped !== undefined
      ? [`peer: skipped: ${peerSkipped}`, '']
      : []),
  `health probes: a separate process, fresh connection each, every 20 ms; real-time priority: ${c4.probeRealtime ? 'yes' : `no (${probePriority === 'normal' ? 'not asked' : 'not permitted'})`}`,
  `peak RSS of the server: ${rssMb.toFixed(0)} MB`,
  `c=1 p50 / floor p50:            ${ratios.c1LatencyOverFloor.toFixed(3)}   (target <= 1.15)`,
  `c=4 req/s / best floor req/s:   ${ratios.c4ThroughputOverBestFloor.toFixed(3)}   (target >= 0.85)`,
  `health p99 under c=4:           ${c4.healthP99Ms.toFixed(2)} ms (target <= 5)`,
  ...(peerRatios !== undefined
    ? [
        `peak RSS of the peer:           ${peerRssMb.toFixed(0)} MB`,
        `c=1 p50 ours / peer:            ${peerRatios.c1LatencyP50OursOverPeer.toFixed(3)}   (lower is better for ours)`,
        `c=4 req/s ours / peer:          ${peerRatios.c4ThroughputOursOverPeer.toFixed(3)}   (higher is better for ours)`,
      ]
    : []),
];
process.stdout.write(`${lines.join('\n')}\n`);
const out =
  values.out ?? join(ROOT, 'bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(out, '..'), { recursive: true });
const report = {
  rocket,
  image: values.image,
  seconds,
  cores,
  env: { ...plans[0] },
  probePriority,
  floors,
  loads,
  peakRssMb: rssMb,
  coldStart: cold,
  coldStartFirstOnMachine: coldFirstOnMachine ?? null,
  optimizedCopy,
  ratios,
  peer:
    peer !== undefined && peerRatios !== undefined
      ? {
          name: peer.name,
          source: peer.source,
          copy: peer.dir,
          model: peer.model,
          detections: peerDetections,
          loads: peerLoads,
          peakRssMb: peerRssMb,
          coldStart: peerCold ?? null,
          ratios: peerRatios,
        }
      : peerSkipped !== undefined
        ? { skipped: peerSkipped }
        : null,
};
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`report: ${out}\n`);
process.exit(0);
