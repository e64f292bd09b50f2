import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { MULTIPART_BOUNDARY, multipartBody, waitHealthy } from './load.js';

// A peer is what a user would run instead of rocketserve (shared/peers/, read-only, never part of
// the project). The bench copies it under bench-results/, installs it there, and loads it exactly
// as it loads our server, right after ours, so both are measured in the same run.

/** The files a peer folder holds; only these are copied, so the copy never holds anything else. */
const PEER_FILES = ['server.js', 'package.json', 'package-lock.json'];
const STAMP = '.peer-install-stamp';

/** A peer ready to start: its installed copy and the model it serves. */
export interface PeerSetup {
  name: string;
  source: string;
  dir: string;
  model: string;
}

/** The default peer, `../shared/peers/naive-node` beside the project, when it exists. */
export function defaultPeerDir(root: string): string | undefined {
  const dir = join(root, '..', 'shared', 'peers', 'naive-node');
  return existsSync(join(dir, 'server.js')) ? dir : undefined;
}

/** The absolute path of the rocket when it is a local `.onnx` file (a path or a file: URL). */
export function localOnnx(rocket: string): string | undefined {
  let path = rocket;
  if (rocket.startsWith('file:')) path = fileURLToPath(rocket);
  else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(rocket)) return undefined;
  return path.toLowerCase().endsWith('.onnx') && existsSync(path) ? resolve(path) : undefined;
}

/**
 * Why the naive-node peer cannot serve `model`, or undefined when it can: it feeds one float32
 * [1, 3, 640, 640] input and reads one YOLOv8 detection head, [1, 4 + classes, anchors].
 */
export async function yoloV8Mismatch(model: string): Promise<string | undefined> {
  const session = await ort.InferenceSession.create(model);
  try {
    const shape = (m: ort.InferenceSession.ValueMetadata) =>
      m.isTensor ? `${m.type}[${m.shape.join(', ')}]` : 'non-tensor';
    const fits = (d: number | string | undefined, n: number) => typeof d !== 'number' || d < 0 || d === n;
    const signature = `inputs ${session.inputMetadata.map(shape).join(', ')}; outputs ${session.outputMetadata.map(shape).join(', ')}`;
    const [input] = session.inputMetadata;
    const [output] = session.outputMetadata;
    const [, rows, anchors] = output?.isTensor ? output.shape : [];
    const fitsInput =
      session.inputMetadata.length === 1 &&
      input?.isTensor &&
      input.type === 'float32' &&
      input.shape.length === 4 &&
      fits(input.shape[1], 3) &&
      fits(input.shape[2], 640) &&
      fits(input.shape[3], 640);
    const fitsOutput =
      session.outputMetadata.length === 1 &&
      output?.isTensor &&
      output.type === 'float32' &&
      output.shape.length === 3 &&
      typeof rows === 'number' &&
      rows >= 5 &&
      !(typeof anchors === 'number' && anchors >= 0 && anchors <= rows);
    if (!fitsInput || !fitsOutput) {
      return `not a YOLOv8 detector: ${signature} (the peer feeds one float32 [1, 3, 640, 640] input and reads one [1, 4 + classes, anchors] output)`;
    }
    return undefined;
  } finally {
    await session.release();
  }
}

/** The environment for npm and the peer: ours without npm's script variables and without NAMES. */
function peerEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !/^npm_/i.test(e[0]) && e[0] !== 'NAMES',
    ),
  );
}

/**
 * Copies the peer's files to `bench-results/peer-<name>/` and installs its dependencies there
 * (`npm ci`, else `npm install`, with ONNXRUNTIME_NODE_INSTALL=skip), unless the copy was already
 * installed from the same package.json and package-lock.json. Throws with a one-line reason.
 */
export function preparePeer(source: string, root: string, model: string): PeerSetup {
  const name = basename(source);
  for (const file of PEER_FILES) {
    if (!existsSync(join(source, file))) throw new Error(`${join(source, file)} is missing`);
  }
  const dir = join(root, 'bench-results', `peer-${name}`);
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256');
  for (const file of PEER_FILES) {
    const text = readFileSync(join(source, file));
    if (file !== 'server.js') hash.update(text);
    rmSync(join(dir, file), { force: true }); // the source is read-only, and so would a copy of its mode be
    writeFileSync(join(dir, file), text);
  }
  const digest = hash.digest('hex');
  const stamp = join(dir, 'node_modules', STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) {
    return { name, source, dir, model };
  }
  const log = join(dir, 'install.log');
  const fd = openSync(log, 'w');
  try {
    const env = { ...peerEnv(), ONNXRUNTIME_NODE_INSTALL: 'skip' };
    const npm = (args: string[]) => {
      process.stderr.write(`peer: npm ${args[0]} in ${dir} ...\n`);
      writeFileSync(fd, `$ npm ${args.join(' ')}\n`);
      return spawnSync('npm', args, { cwd: dir, env, stdio: ['ignore', fd, fd], timeout: 600_000 }).status;
    };
    let status = npm(['ci', '--no-audit', '--no-fund']);
    if (status !== 0) {
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      status = npm(['install', '--no-audit', '--no-fund']);
    }
    if (status !== 0) throw new Error(`npm ci and npm install failed (see ${log})`);
  } finally {
    closeSync(fd);
  }
  mkdirSync(join(dir, 'node_modules'), { recursive: true }); // npm makes none for a peer without dependencies
  writeFileSync(stamp, `${digest}\n`);
  return { name, source, dir, model };
}

/** Spawns the peer on `port` (MODEL = the rocket's .onnx), without waiting for it. */
export function spawnPeer(setup: PeerSetup, port: number): ChildProcess {
  return spawn(process.execPath, ['server.js'], {
    cwd: setup.dir,
    env: { ...peerEnv(), MODEL: setup.model, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Starts the peer on `port` (MODEL = the rocket's .onnx) and waits for GET /health to answer 200. */
export async function startPeer(setup: PeerSetup, port: number): Promise<ChildProcess> {
  const proc = spawnPeer(setup, port);
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  try {
    await waitHealthy(proc, port, 120_000);
  } catch (e) {
    await new Promise((r) =>
      proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once('exit', r),
    );
    // Node's crash report ends in a stack and its version: the reason is the last error line.
    const lines = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('at ') && !/^Node\.js v/.test(l) && !/^\^+$/.test(l));
    const last = lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1);
    throw new Error(`${(e as Error).message}${last ? `: ${last}` : ''}`);
  }
  return proc;
}

/** One POST /process to the peer: throws unless it answers 200 with a detections list; returns its length. */
export async function checkPeerAnswer(port: number, imagePath: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/process`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}` },
    body: multipartBody(imagePath),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /process answered ${res.status}: ${text.slice(0, 200)}`);
  const detections = (JSON.parse(text) as { detections?: unknown }).detections;
  if (!Array.isArray(detections))
    throw new Error(`POST /process answered without detections: ${text.slice(0, 200)}`);
  return detections.length;
}
