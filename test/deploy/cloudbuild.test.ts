// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cloud Build's ${_SUBSTITUTIONS} are literal text here
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';
import { clone, cloudBuildProblems, type Doc, readYaml } from './validators.js';

const [build] = readYaml('cloudbuild.yaml') as [Doc];
const step = (id: string): Doc => build.steps.find((s: Doc) => s.id === id);
/** A step's command line: its args, or the script after `bash -c`. */
const commandOf = (id: string): string => step(id).args.join(' ');
const IMAGE = '${_REGION}-docker.pkg.dev/$PROJECT_ID/${_REPOSITORY}/rocket/${_ROCKET_USER}/${_ROCKET_NAME}';

/** Every step a step waits for, transitively. */
function ancestors(id: string, seen = new Set<string>()): Set<string> {
  const index = build.steps.findIndex((s: Doc) => s.id === id);
  const deps: string[] = build.steps[index].waitFor ?? build.steps.slice(0, index).map((s: Doc) => s.id);
  for (const dep of deps.filter((d) => d !== '-')) {
    if (!seen.has(dep)) {
      seen.add(dep);
      ancestors(dep, seen);
    }
  }
  return seen;
}

describe('cloudbuild.yaml: Cloud Build schema (SchemaStore), strict', () => {
  it('is valid', () => {
    expect(cloudBuildProblems(build)).toEqual([]);
  });

  it('rejects an invalid build: unknown keys, wrong types, bad durations, missing steps', () => {
    const typo = clone(build);
    typo.steps[1].waitfor = typo.steps[1].waitFor;
    expect(cloudBuildProblems(typo).join()).toMatch(/must NOT have additional properties.*waitfor/);
    const badTimeout = clone(build);
    badTimeout.timeout = '1h';
    expect(cloudBuildProblems(badTimeout).join()).toMatch(/\/timeout must match (format|pattern)/);
    const badArgs = clone(build);
    badArgs.steps[0].args = 'build .';
    expect(cloudBuildProblems(badArgs).join()).toMatch(/\/steps\/0\/args must be array/);
    const badMachine = clone(build);
    badMachine.options.machineType = 'HUGE';
    expect(cloudBuildProblems(badMachine).join()).toMatch(
      /machineType must be equal to one of the allowed values/,
    );
    const { steps: _, ...noSteps } = clone(build);
    expect(cloudBuildProblems(noSteps).join()).toMatch(/must have required property 'steps'/);
  });
});

describe('cloudbuild.yaml: pipeline', () => {
  it('every step has a unique id, and waits only for steps that exist', () => {
    const ids = build.steps.map((s: Doc) => s.id);
    expect(ids.every((id: unknown) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of build.steps) for (const dep of s.waitFor ?? []) expect([...ids, '-']).toContain(dep);
  });

  it('tests first, builds CPU and GPU in parallel, smoke-tests CPU before anything is pushed', () => {
    expect(commandOf('test')).toContain('--target test');
    expect(step('build-cpu').waitFor).toEqual(['test']);
    expect(step('build-gpu').waitFor).toEqual(['test']);
    expect(ancestors('build-gpu').has('build-cpu')).toBe(false);
    expect(ancestors('build-cpu').has('build-gpu')).toBe(false);
    expect(commandOf('build-cpu')).toMatch(/-f Dockerfile /);
    expect(commandOf('build-gpu')).toMatch(/-f Dockerfile\.gpu /);
    expect(ancestors('smoke-test-cpu').has('build-cpu')).toBe(true);
    expect(readFileSync(join(ROOT, 'scripts', 'smoke-image.mjs'), 'utf8')).toContain('/process');
    expect(commandOf('smoke-test-cpu')).toContain('scripts/smoke-image.mjs');
    for (const push of ['push-cpu', 'push-gpu']) {
      expect([...ancestors(push)]).toEqual(expect.arrayContaining(['test', 'smoke-test-cpu']));
    }
    expect(ancestors('deploy-cpu').has('push-cpu')).toBe(true);
    expect(ancestors('deploy-gpu').has('push-gpu')).toBe(true);
  });

  it('names images rocket/<user>/<model>:<tag> in Artifact Registry, tagged with $COMMIT_SHA', () => {
    expect(build.options.env).toContain(`IMAGE=${IMAGE}`);
    expect(commandOf('build-cpu')).toContain('"$$IMAGE:$COMMIT_SHA"');
    expect(commandOf('build-gpu')).toContain('"$$IMAGE:$COMMIT_SHA-gpu"');
    expect(commandOf('push-cpu')).toContain('docker push "$$IMAGE:$COMMIT_SHA"');
    expect(commandOf('push-gpu')).toContain('docker push "$$IMAGE:$COMMIT_SHA-gpu"');
    expect(step('deploy-cpu').args).toContain(`--image=${IMAGE}:$COMMIT_SHA`);
    expect(step('deploy-gpu').args).toContain(`--image=${IMAGE}:$COMMIT_SHA-gpu`);
    expect(build.images).toEqual([`${IMAGE}:$COMMIT_SHA`, `${IMAGE}:$COMMIT_SHA-gpu`]);
  });

  it('deploys CPU and GPU to two Cloud Run services, GPU on an L4 with >= 4 CPUs and 16 GiB', () => {
    const cpu = step('deploy-cpu').args as string[];
    const gpu = step('deploy-gpu').args as string[];
    expect(cpu.slice(0, 3)).toEqual(['run', 'deploy', '${_SERVICE}']);
    expect(gpu.slice(0, 3)).toEqual(['run', 'deploy', '${_GPU_SERVICE}']);
    expect(build.substitutions._SERVICE).not.toBe(build.substitutions._GPU_SERVICE);
    expect(gpu).toEqual(expect.arrayContaining(['--gpu=1', '--gpu-type=nvidia-l4', '--no-cpu-throttling']));
    expect(cpu.some((a) => a.startsWith('--gpu'))).toBe(false);
    expect(Number(build.substitutions._GPU_CPU)).toBeGreaterThanOrEqual(4);
    expect(Number.parseInt(build.substitutions._GPU_MEMORY, 10)).toBeGreaterThanOrEqual(16);
    expect(build.substitutions._GPU_MEMORY).toMatch(/^\d+Gi$/);
    expect(gpu).toContain('--set-env-vars=DEVICE=cuda,WORKERS=1,INTRA_OP_THREADS=${_GPU_CPU}');
    for (const args of [cpu, gpu]) {
      expect(args.find((a) => a.startsWith('--startup-probe='))).toMatch(
        /^--startup-probe=httpGet\.path=\/readyz,/,
      );
      expect(args.find((a) => a.startsWith('--liveness-probe='))).toMatch(
        /^--liveness-probe=httpGet\.path=\/livez,/,
      );
    }
  });

  it('takes concurrency, min-instances and CPU boost from substitutions', () => {
    const cpu = step('deploy-cpu').args as string[];
    const gpu = step('deploy-gpu').args as string[];
    expect(cpu).toEqual(
      expect.arrayContaining([
        '--concurrency=${_CONCURRENCY}',
        '--min-instances=${_MIN_INSTANCES}',
        '${_CPU_BOOST}',
      ]),
    );
    expect(gpu).toEqual(
      expect.arrayContaining([
        '--concurrency=${_GPU_CONCURRENCY}',
        '--min-instances=${_GPU_MIN_INSTANCES}',
        '${_CPU_BOOST}',
      ]),
    );
    expect(['--cpu-boost', '--no-cpu-boost']).toContain(build.substitutions._CPU_BOOST);
  });

  it('uses every substitution it declares and declares every one it uses', () => {
    const text = JSON.stringify({ ...build, substitutions: undefined });
    const used = new Set([...text.matchAll(/\$\{?(_[A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(build.substitutions).sort());
  });
});
