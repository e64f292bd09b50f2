#!/usr/bin/env node
// npm run test:container: builds the CPU Dockerfile with buildah (no Docker engine needed), runs the
// image, and checks it end to end:
//   - the runtime: Node.js 24 (NODE_MAJOR) runs the image; the V8 flags src/serving/gc.ts and
//     src/cold-start.ts set are known to its V8; sharp, onnxruntime-node, better-sqlite3 and the addon (Node-API 8) load under it;
//     the job store opens in DATA_DIR=/data (a VOLUME) as the runtime user
//   - the image config: non-root numeric USER, HEALTHCHECK, NODE_ENV=production, port 5042
//   - no build toolchain and no dev dependencies (by package-lock.json's "dev" flags) in the image
//   - the embedded demo rocket serves and detects; a mounted config.ini is read; the HEALTHCHECK
//     command passes; the server runs as non-root and exits cleanly on SIGTERM
//   - a real YOLOv8n from ../shared, mounted read-only, finds 4 persons and 1 bus in bus.jpg
//   - rocket batch as 3 shards (--shard, CLOUD_RUN_TASK_INDEX, JOB_COMPLETION_INDEX) over one
//     mounted folder: the three results files together hold every input exactly once
// Skips (exit 0, with the reason) where buildah is missing and cannot be installed, or where the
// base images are missing and ../shared/tools cannot build them. The base images are local
// stand-ins for node:24-bookworm(-slim), built by ../shared/tools/local-base-images.sh --node 24.
// Then Dockerfile.gpu is built as far as it can go without the CUDA base image (the local slim base
// stands in, the CUDA provider download is skipped): DEVICE=cuda must fail with PROVIDER_UNAVAILABLE
// and say why. Env: ROCKET_TEST_IMAGE (tag), ROCKET_TEST_GPU_IMAGE=0 (skip the GPU image).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, freePort, postImage, processUid, serverPid, waitForHealth } from './container-lib.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SHARED = join(ROOT, '..', 'shared');
const IMAGE = process.env.ROCKET_TEST_IMAGE ?? 'localhost/rocketserve:test';
/** The Node.js major the images are built on (the Dockerfiles' node:24-bookworm(-slim)). */
const NODE_MAJOR = '24';
const BASES = [`docker.io/library/node:${NODE_MAJOR}-bookworm`, `docker.io/library/node:${NODE_MAJOR}-bookworm-slim`];
const isRoot = process.getuid?.() === 0;
const work = mkdtempSync(join(tmpdir(), 'rocketserve-container-'));
const containers = [];

/** Skips where the tools cannot be had; in CI (CI=true) that is a failure, never a silent skip. */
function skip(reason) {
  if (process.env.CI) {
    console.error(`FAIL npm run test:container: ${reason} (CI must run it)`);
    process.exit(1);
  }
  console.log(`SKIP npm run test:container: ${reason}`);
  process.exit(0);
}

function run(cmd, args, { quiet = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && !quiet) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout || '').slice(-4000)}`);
  }
  return r;
}

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const step = (text) => console.log(`\n== ${text}`);
const seconds = (start) => ((Date.now() - start) / 1000).toFixed(1);

function ensureTools() {
  const missing = ['buildah', 'podman', 'debootstrap'].filter((t) => !has(t));
  if (missing.includes('buildah') && !(isRoot && has('apt-get'))) {
    skip('buildah is not installed and cannot be installed here (needs root and apt-get)');
  }
  if (missing.length === 0 || !isRoot || !has('apt-get')) return;
  // podman is what ../shared/tools/local-base-images.sh imports the base root filesystem with.
  step(`installing ${missing.join(', ')} from Debian`);
  const apt = run('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { quiet: true });
  if (!has('buildah')) skip(`buildah could not be installed: ${apt.stderr.slice(-500)}`);
}

function ensureBaseImages() {
  const images = run('buildah', ['images', '--format', '{{.Name}}:{{.Tag}}'], { quiet: true }).stdout;
  if (BASES.every((b) => images.split('\n').includes(b))) return console.log('base images: cached');
  const script = join(SHARED, 'tools', 'local-base-images.sh');
  if (!existsSync(script)) skip(`no local node:${NODE_MAJOR} base images and ${script} is absent to build them`);
  if (!isRoot) skip('building the local base images needs root');
  step(`building local base images (../shared/tools/local-base-images.sh --node ${NODE_MAJOR})`);
  const start = Date.now();
  run('bash', [script, '--node', NODE_MAJOR]);
  console.log(`base images built in ${seconds(start)} s`);
}

/** buildah bud of the context into `tag`, its output to `log` in the work directory; throws with the log's tail. */
function bud(tag, extraArgs, log) {
  const path = join(work, log);
  const args = ['--isolation=chroot', '--layers', '--format', 'docker', ...extraArgs, '-t', `'${tag}'`, '.'].join(' ');
  const r = spawnSync('sh', ['-c', `buildah bud ${args} > '${path}' 2>&1`], { cwd: ROOT });
  if (r.status !== 0) throw new Error(`image build failed (${tag}):\n${readFileSync(path, 'utf8').slice(-6000)}`);
}

/** The Docker config (User, Env, Healthcheck, ...) of a built image. */
const imageConfig = (tag) => JSON.parse(run('buildah', ['inspect', '--type', 'image', tag]).stdout).Docker.config;

function build() {
  step(`buildah bud --isolation=chroot -t ${IMAGE} .`);
  const start = Date.now();
  bud(IMAGE, [], 'build.log');
  const size = run('buildah', ['images', '--format', '{{.Size}}', IMAGE]).stdout.trim();
  console.log(`built in ${seconds(start)} s; image size ${size}`);
  // npm 11 lists install scripts that package.json's allowScripts neither allows nor denies
  // (nothing to see where buildah reused the npm ci layers).
  const notice = /install scripts not yet covered by allowScripts/.exec(readFileSync(join(work, 'build.log'), 'utf8'));
  check(!notice, "npm ci in the build names no install script that allowScripts leaves unreviewed");
}

function inspectConfig() {
  step('image configuration');
  const config = imageConfig(IMAGE);
  check(/^[1-9]\d*(:\d+)?$/.test(config.User), `USER is a non-root numeric uid (${config.User})`);
  check(config.Env.includes('NODE_ENV=production'), 'NODE_ENV=production');
  check(config.Env.includes('DATA_DIR=/data') && '/data' in (config.Volumes ?? {}), 'DATA_DIR=/data, a VOLUME');
  check(config.Healthcheck?.Test?.join(' ').includes('healthcheck.mjs'), 'HEALTHCHECK runs scripts/healthcheck.mjs');
  check(Object.keys(config.ExposedPorts ?? {}).includes('5042/tcp'), 'EXPOSE 5042');
  check(config.Cmd?.join(' ') === 'node dist/bundle/cli.js serve', `CMD ${config.Cmd?.join(' ')}`);
}

function newContainer(image = IMAGE) {
  const c = run('buildah', ['from', '--pull=never', image]).stdout.trim().split('\n').pop();
  containers.push(c);
  return c;
}

function inspectContents(c) {
  step('image contents');
  const uid = run('buildah', ['run', '--isolation=chroot', c, '--', 'id', '-u']).stdout.trim();
  check(uid !== '0', `commands run as uid ${uid}, not root`);
  const tools = ['gcc', 'g++', 'cc', 'c++', 'make', 'cmake', 'python3', 'git'];
  const found = run('buildah', ['run', '--isolation=chroot', c, '--', 'sh', '-c', tools.map((t) => `command -v ${t} || true`).join('; ')]).stdout.trim();
  check(found === '', `no build toolchain (${tools.join(', ')})${found ? `: found ${found}` : ''}`);
  const list = `const fs=require('fs'),p=require('path');const out=[];const walk=(d)=>{if(!fs.existsSync(d))return;for(const e of fs.readdirSync(d)){if(e.startsWith('.'))continue;const q=p.join(d,e);if(e.startsWith('@')){for(const s of fs.readdirSync(q)){out.push(p.join(q,s));walk(p.join(q,s,'node_modules'))}}else{out.push(q);walk(p.join(q,'node_modules'))}}};walk('node_modules');console.log(JSON.stringify(out))`;
  const installed = JSON.parse(run('buildah', ['run', '--isolation=chroot', c, '--', 'node', '-e', list]).stdout);
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const dev = installed.filter((path) => lock[path]?.dev === true);
  check(installed.length > 0 && dev.length === 0, `${installed.length} packages, none dev-only${dev.length ? `: ${dev.slice(0, 10).join(', ')}` : ''}`);
  const devNames = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies);
  const direct = devNames.filter((n) => installed.includes(`node_modules/${n}`) && lock[`node_modules/${n}`]?.dev);
  check(direct.length === 0, 'no devDependencies (typescript, vitest, biome, cmake-js, ...)');
  const ort = run('buildah', ['run', '--isolation=chroot', c, '--', 'sh', '-c', 'ls node_modules/onnxruntime-node/bin/napi-v6/*']).stdout;
  check(!/darwin|win32/.test(ort), 'onnxruntime-node carries Linux binaries only');
}

/**
 * Run inside the image: the Node version, Node-API version, whether the V8 flags that
 * src/serving/gc.ts and src/cold-start.ts set are in this V8's --v8-options (and set without a
 * warning), and that sharp and onnxruntime-node load and work.
 */
const RUNTIME_PROBE = `
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
const require = createRequire('/app/package.json');
const { gcFlagsToSet, tuneGarbageCollector } = await import('/app/dist/src/serving/gc.js');
const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
const flags = gcFlagsToSet([]);
const unknownFlags = flags.filter((f) => !known.includes(f.replace(/^--(no-)?/, '--').split('=')[0]));
tuneGarbageCollector([]);
const { beginColdStart, endColdStart } = await import('/app/dist/src/cold-start.js');
const tiering = known.includes('--turbofan ');
beginColdStart();
endColdStart();
const sharp = require('sharp');
const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } }).png().toBuffer();
const ort = require('onnxruntime-node');
const addon = require('/app/build/native/Release/rocketserve_native.node');
const sqlite = require('better-sqlite3')(':memory:').prepare('SELECT sqlite_version() AS v').get().v;
const { openJobStore } = await import('/app/dist/src/jobs/store/open.js');
const store = await openJobStore({ JOB_STORE: '' }, { dataDir: process.env.DATA_DIR });
const jobs = Object.keys(await store.counts()).length;
await store.close();
console.log(JSON.stringify({ node: process.version, napi: process.versions.napi, flags, unknownFlags, tiering,
  vips: sharp.versions.vips, png: png.length, ort: ort.env.versions.node, addon: Object.keys(addon).length,
  sqlite, jobs }));
`;

function runtime(c) {
  step(`the runtime: Node.js ${NODE_MAJOR}`);
  const version = run('buildah', ['run', '--isolation=chroot', c, '--', 'node', '--version']).stdout.trim();
  check(version.startsWith(`v${NODE_MAJOR}.`), `node --version in the image: ${version}`);
  const probe = spawnSync('buildah', ['run', '--isolation=chroot', c, '--', 'node', '--input-type=module', '-e', RUNTIME_PROBE], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`the runtime probe failed:\n${probe.stdout}${probe.stderr}`);
  const r = JSON.parse(probe.stdout.trim().split('\n').pop());
  check(Number(r.napi) >= 8, `Node-API ${r.napi} >= 8, the addon's NAPI_VERSION (package.json binary.napi_versions)`);
  check(r.flags.length > 0 && r.unknownFlags.length === 0, `V8 knows the GC flags src/serving/gc.ts sets (${r.flags.join(' ')})`);
  check(r.tiering, 'V8 knows --turbofan, which src/cold-start.ts turns off for a cold start and on again');
  check(probe.stderr.trim() === '', `setting them warns of nothing${probe.stderr.trim() ? `: ${probe.stderr.trim()}` : ''}`);
  check(r.png > 0, `sharp loads and encodes (libvips ${r.vips})`);
  check(typeof r.ort === 'string' && r.addon > 0, `onnxruntime-node ${r.ort} and the addon (${r.addon} exports) load`);
  check(typeof r.sqlite === 'string', `better-sqlite3 loads (SQLite ${r.sqlite}), built in the build stage`);
  check(r.jobs === 5, 'the job store opens in DATA_DIR (/data, writable by the runtime user)');
}

/** Starts `rocket serve` in the container; resolves once /health answers 200. */
async function serve(c, { env = {}, volumes = [], port }) {
  const args = ['run', '--isolation=chroot'];
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  for (const v of volumes) args.push('--volume', v);
  const child = spawn('buildah', [...args, c, '--', 'node', 'dist/bundle/cli.js', 'serve'], { cwd: ROOT });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const start = Date.now();
  await waitForHealth(`http://127.0.0.1:${port}`, exited, () => output);
  console.log(`ready in ${seconds(start)} s`);
  return { child, exited, output: () => output, url: `http://127.0.0.1:${port}` };
}

async function stop(server) {
  const pid = serverPid(server.child.pid);
  check(pid !== undefined, `found the server process (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
  if (code === 'timeout') server.child.kill('SIGKILL');
  check(code === 0, `SIGTERM: the server drained and exited 0 (${code})`);
}

async function demo(c) {
  step('demo rocket, PORT from a mounted config.ini');
  const port = await freePort();
  const config = join(work, 'config.ini');
  writeFileSync(config, `[DEFAULT]\nPORT = ${port}\nWORKERS = 1\n`);
  const server = await serve(c, { port, volumes: [`${config}:/app/config.ini:ro`] });
  try {
    const health = await (await fetch(`${server.url}/health`)).json();
    check(health.rocket?.name === 'demo-detector' && health.executionProvider === 'cpu', `/health: ${JSON.stringify(health)}`);
    const page = await fetch(`${server.url}/`);
    check(page.status === 200 && /text\/html/.test(page.headers.get('content-type') ?? ''), `the playground (build/web) is served at / (${page.status})`);
    const hc = spawnSync('buildah', ['run', '--isolation=chroot', '--volume', `${config}:/app/config.ini:ro`, c, '--', 'node', 'scripts/healthcheck.mjs']);
    check(hc.status === 0, 'the HEALTHCHECK command passes against the running server');
    const pid = serverPid(server.child.pid);
    check(pid && processUid(pid) !== 0, `the server process runs as uid ${pid && processUid(pid)}`);
    const shapes = Buffer.from(run('buildah', ['run', '--isolation=chroot', c, '--', 'base64', '-w0', 'build/demo/shapes.jpg']).stdout, 'base64');
    check(shapes.length > 0, `build/demo/shapes.jpg is in the image (${shapes.length} bytes)`);
    const result = await postImage(server.url, shapes, 'shapes.jpg');
    const labels = result.detections.map((d) => d.label).sort();
    check(JSON.stringify(labels) === '["blue","green","red"]', `demo detections: ${labels.join(', ')}`);
    const smoke = spawnSync('buildah', ['run', '--isolation=chroot', '--volume', `${config}:/app/config.ini:ro`, '--volume', `${join(ROOT, 'scripts', 'smoke-image.mjs')}:/tmp/smoke-image.mjs:ro`, c, '--', 'node', '/tmp/smoke-image.mjs'], { encoding: 'utf8' });
    check(smoke.status === 0, `cloudbuild's smoke test (scripts/smoke-image.mjs) passes in the image${smoke.status ? `:\n${smoke.stdout}${smoke.stderr}` : ''}`);
  } catch (err) {
    console.log(server.output().slice(-3000));
    throw err;
  } finally {
    await stop(server);
  }
}

async function realModel(c) {
  const models = join(SHARED, 'models', 'detection');
  const bus = join(SHARED, 'images', 'bus.jpg');
  if (!existsSync(join(models, 'yolov8n_int8_640.onnx')) || !existsSync(bus)) {
    console.log(`\nSKIP real-model check: ${models} or ${bus} is absent`);
    return;
  }
  step('YOLOv8n from ../shared mounted read-only at /models, bus.jpg');
  const port = await freePort();
  // Its own DATA_DIR: this container's /data already holds the demo rocket's jobs, which another
  // rocket must not share (DATA_DIR_IN_USE); `docker run` would give each container its own volume.
  const server = await serve(c, {
    port,
    env: {
      PORT: String(port),
      WORKERS: '1',
      ROCKET_URL: '/models/yolov8n_int8_640.onnx',
      DATA_DIR: '/tmp/yolov8n-jobs',
    },
    volumes: [`${models}:/models:ro`],
  });
  try {
    const result = await postImage(server.url, readFileSync(bus), 'bus.jpg');
    const count = (label) => result.detections.filter((d) => d.label === label).length;
    check(result.rocket?.name === 'yolov8n_int8_640', `rocket ${result.rocket?.name}`);
    check(count('person') === 4 && count('bus') === 1 && result.detections.length === 5, `bus.jpg: ${count('person')} person, ${count('bus')} bus, ${result.detections.length} in all`);
  } catch (err) {
    console.log(server.output().slice(-3000));
    throw err;
  } finally {
    await stop(server);
  }
}

/**
 * `rocket batch` in the image as the three tasks of a Cloud Run job or Indexed Job would run it:
 * one folder (the demo images, a broken file) mounted read-only, one output folder, a shard each.
 */
function batchShards(c) {
  step('rocket batch as 3 shards over one mounted folder');
  const input = join(work, 'batch-in');
  const out = join(work, 'batch-out');
  mkdirSync(join(input, 'more'), { recursive: true });
  mkdirSync(out, { mode: 0o777 });
  chmodSync(out, 0o777); // written by the image's non-root user
  const demoImages = readdirSync(join(ROOT, 'build', 'demo')).filter((f) => f.endsWith('.jpg'));
  for (const f of demoImages) {
    copyFileSync(join(ROOT, 'build', 'demo', f), join(input, f));
    copyFileSync(join(ROOT, 'build', 'demo', f), join(input, 'more', f));
  }
  writeFileSync(join(input, 'broken.jpg'), 'not a jpeg');
  const inputs = [...demoImages.flatMap((f) => [`/in/${f}`, `/in/more/${f}`]), '/in/broken.jpg'];
  const shards = [['--shard', '0/3'], ['--env', 'CLOUD_RUN_TASK_INDEX=1', '--env', 'CLOUD_RUN_TASK_COUNT=3'], ['--env', 'JOB_COMPLETION_INDEX=2', '--env', 'JOB_COMPLETIONS=3']];
  for (const [i, shard] of shards.entries()) {
    const [flags, cli] = shard[0] === '--shard' ? [[], shard] : [shard, []];
    const r = spawnSync('buildah', ['run', '--isolation=chroot', ...flags, '--volume', `${input}:/in:ro`, '--volume', `${out}:/out`, c, '--', 'node', 'dist/bundle/cli.js', 'batch', '/in', '--out', '/out', ...cli], { encoding: 'utf8' });
    check([0, 3].includes(r.status), `shard ${i}/3 ran (exit ${r.status}): ${r.stdout.trim()}${[0, 3].includes(r.status) ? '' : `\n${r.stderr}`}`);
    check(existsSync(join(out, `_SUCCESS-${i}-of-3`)), `shard ${i}/3 left _SUCCESS-${i}-of-3`);
  }
  const lines = [0, 1, 2].flatMap((i) => readFileSync(join(out, `results-${i}-of-3.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  const seen = lines.map((l) => l.input).sort();
  check(JSON.stringify(seen) === JSON.stringify([...inputs].sort()), `the 3 results files hold each of the ${inputs.length} inputs exactly once (${lines.length} lines)`);
  const broken = lines.find((l) => l.input === '/in/broken.jpg');
  check(broken?.error?.code === 'IMAGE_UNDECODABLE' && lines.filter((l) => l.ok).length === inputs.length - 1, 'every image has its result, the broken file its error');
}

const GPU_IMAGE = `${IMAGE.replace(/:[^:/]+$/, '')}-gpu:test`;

function buildGpu() {
  step('Dockerfile.gpu, as far as it goes here: the CUDA base replaced by the local slim image, the provider download skipped');
  const start = Date.now();
  const args = ['-f', 'Dockerfile.gpu', '--build-arg', `CUDA_IMAGE=${BASES[1]}`, '--build-arg', 'ONNXRUNTIME_NODE_INSTALL=skip'];
  bud(GPU_IMAGE, args, 'build-gpu.log');
  console.log(`built in ${seconds(start)} s`);
}

async function gpuImage() {
  const config = imageConfig(GPU_IMAGE);
  check(config.Env.includes('DEVICE=cuda') && config.User === '1000:1000', 'DEVICE=cuda by default, USER 1000:1000');
  const c = newContainer(GPU_IMAGE);
  const home = run('buildah', ['run', '--isolation=chroot', c, '--', 'sh', '-c', 'echo "$(id -un) $HOME"']).stdout.trim();
  check(home === 'node /home/node', `runs as ${home}`);
  const version = run('buildah', ['run', '--isolation=chroot', c, '--', 'node', '--version']).stdout.trim();
  check(version.startsWith(`v${NODE_MAJOR}.`), `node --version in the GPU image: ${version}`);
  const port = await freePort();
  const serve = spawnSync('buildah', ['run', '--isolation=chroot', '--env', `PORT=${port}`, c, '--', 'node', 'dist/bundle/cli.js', 'serve'], { encoding: 'utf8', timeout: 120_000 });
  const output = `${serve.stdout}${serve.stderr}`;
  check(serve.status !== 0 && output.includes('PROVIDER_UNAVAILABLE'), 'without a GPU, startup fails with PROVIDER_UNAVAILABLE');
  check(output.includes('no NVIDIA GPU is visible') && output.includes('ONNXRUNTIME_NODE_INSTALL=cuda12'), 'and says why (no GPU, no CUDA provider)');
  check(!output.includes('"executionProvider":"cpu"'), 'and never falls back to the CPU');
  const doctorRun = run('buildah', ['run', '--isolation=chroot', c, '--', 'node', 'dist/bundle/cli.js', 'doctor', '--json'], { quiet: true });
  const doctor = JSON.parse(doctorRun.stdout);
  check(doctor.gpu.devices.length === 0 && doctor.cuda.works === false, `rocket doctor in the image: ${doctor.cuda.problems.map((p) => p.problem.split(/ \(|: /)[0]).join('; ')}`);
  check(doctorRun.status === 1 && doctor.device.configured === 'cuda:0' && !doctor.device.works, 'and exits 1: the image\'s DEVICE=cuda cannot run here');
}

const started = Date.now();
const listContainers = () => spawnSync('buildah', ['containers', '-q', '--notruncate'], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
const before = new Set(has('buildah') ? listContainers() : []);
try {
  ensureTools();
  ensureBaseImages();
  build();
  inspectConfig();
  const c = newContainer();
  inspectContents(c);
  runtime(c);
  await demo(c);
  await realModel(c);
  batchShards(c);
  if (process.env.ROCKET_TEST_GPU_IMAGE !== '0') {
    buildGpu();
    await gpuImage();
  }
  console.log(`\nPASS npm run test:container (${seconds(started)} s)`);
} catch (err) {
  console.error(`\nFAIL npm run test:container: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  for (const c of containers) spawnSync('buildah', ['rm', c]);
  // what the builds left behind (buildah keeps a working container for an image-only stage)
  for (const id of has('buildah') ? listContainers() : []) if (!before.has(id)) spawnSync('buildah', ['rm', id]);
  rmSync(work, { recursive: true, force: true });
}
