#!/usr/bin/env node
// npm start's prestart: runs only the steps of `npm run build` whose inputs changed since that step
// last succeeded here, so a second `npm start` with nothing changed builds nothing.
//
// Each step records a stamp, build/.stamps/<step>.json, when it succeeds: the list of its input
// files, with the stamp's mtime set to when the step started. A step is stale when its stamp is
// missing, an output is missing, an input file is newer than the stamp, or input files were added
// or removed. `npm run build` (CI, the images, pretest) still builds everything and writes no stamps,
// so the first `npm start` after it builds each step once.
//
//   node scripts/build-if-stale.mjs            build what is stale, say what was up to date
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The steps of `npm run build`, in its order: the npm script each runs, the files and directories
 * (relative to the repository root) whose changes make it stale, and the outputs it must leave.
 */
export const STEPS = [
  {
    name: 'native',
    command: ['npm', 'run', 'build:native'],
    inputs: ['native', 'package-lock.json'],
    outputs: ['build/native/Release/rocketserve_native.node'],
  },
  {
    name: 'ts',
    command: ['npm', 'run', 'build:ts'],
    inputs: ['src', 'bench', 'scripts/bundle.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    outputs: ['dist/src/cli.js', 'dist/bundle/cli.js'],
  },
  {
    // `rocket demo` runs from dist; these are the sources it is built from (and sharp's version).
    name: 'demo',
    command: ['npm', 'run', 'build:demo'],
    inputs: ['src/demo', 'src/onnx', 'src/commands/demo.ts', 'src/package.ts', 'package-lock.json'],
    outputs: ['build/demo/demo-detector.onnx', 'build/demo/shapes.jpg'],
  },
  {
    name: 'web',
    command: ['npm', 'run', 'build:web'],
    inputs: ['web', 'tsconfig.json', 'package-lock.json'],
    outputs: ['build/web/app.js', 'build/web/index.html'],
  },
];

const stampPath = (root, step) => join(root, 'build', '.stamps', `${step.name}.json`);

/** Every file under the step's inputs, relative to root, sorted; missing inputs are skipped. */
function inputFiles(root, step) {
  const files = [];
  const walk = (path) => {
    if (!existsSync(path)) return;
    if (!statSync(path).isDirectory()) return void files.push(path);
    for (const entry of readdirSync(path)) if (entry !== 'node_modules') walk(join(path, entry));
  };
  for (const input of step.inputs) walk(join(root, input));
  return files.map((f) => relative(root, f)).sort();
}

/** Why the step must run (a short sentence), or undefined when it is up to date. */
export function staleReason(root, step) {
  const stamp = stampPath(root, step);
  if (!existsSync(stamp)) return 'not built by this script yet';
  const missing = step.outputs.find((o) => !existsSync(join(root, o)));
  if (missing) return `${missing} is missing`;
  const built = statSync(stamp).mtimeMs;
  const files = inputFiles(root, step);
  const changed = files.find((f) => statSync(join(root, f)).mtimeMs > built);
  if (changed) return `${changed} changed`;
  const recorded = JSON.parse(readFileSync(stamp, 'utf8')).inputs;
  if (JSON.stringify(recorded) !== JSON.stringify(files)) return 'input files were added or removed';
  return undefined;
}

/** Records a successful run of the step that started at `startedMs`. */
function writeStamp(root, step, startedMs) {
  const stamp = stampPath(root, step);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${JSON.stringify({ inputs: inputFiles(root, step) })}\n`);
  const started = new Date(startedMs);
  utimesSync(stamp, started, started);
}

/**
 * Runs the stale steps in order (their commands in root, output to this terminal) and logs one line
 * per step. Returns 0, or the exit status of the first step that failed (its stamp is not written).
 */
export function buildIfStale(root, steps = STEPS, log = console.log) {
  for (const step of steps) {
    const reason = staleReason(root, step);
    if (!reason) {
      log(`build-if-stale: ${step.name} up to date`);
      continue;
    }
    log(`build-if-stale: ${step.name}: ${reason}; running ${step.command.join(' ')}`);
    const started = Date.now();
    const [cmd, ...args] = step.command;
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) return r.status ?? 1;
    writeStamp(root, step, started);
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const started = Date.now();
  const code = buildIfStale(root);
  if (code === 0) console.log(`build-if-stale: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = code;
}
