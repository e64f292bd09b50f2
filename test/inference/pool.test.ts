import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/image/decode.js';
import { inBackground } from '../../src/inference/background.js';
import type { Job, JobResult } from '../../src/inference/messages.js';
import { InferencePool, launchWorker, type PoolOptions, type RunTiming } from '../../src/inference/pool.js';
import { loadRocket } from '../../src/rocket/load.js';
import type { Prediction } from '../../src/tasks/classify/schema.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { cpuWorkerInit } from '../helpers/pool.js';

const pools: InferencePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function colourPool(
  batchMax: number,
  batchWaitMs = 0,
  options: PoolOptions = {},
  size = 16,
  threads: number[] = [1],
) {
  const spec = await loadRocket(writeColourRocket({}, size), '/');
  const init = cpuWorkerInit(spec, batchMax);
  const pool = await InferencePool.start(init, threads, { ...options, batchWaitMs });
  pools.push(pool);
  return { pool, spec };
}

async function job(
  spec: Awaited<ReturnType<typeof colourPool>>['spec'],
  rgb: [number, number, number],
): Promise<Job> {
  if (spec.input !== 'image') throw new Error('expected an image rocket');
  const image = await decodeForModel(await solidImage(rgb), spec.preprocess, 1e6);
  return { ...image, pixels: image.pixels.slice(), thresholds: spec.thresholds, options: {} };
}

/** The top-1 label of a classify job's result. */
const topLabel = (r: JobResult) => (r.fields.predictions as Prediction[])[0]?.label;

const COLOURS: [number, number, number][] = [
  [230, 20, 20],
  [20, 200, 30],
  [10, 20, 220],
  [200, 180, 40],
  [90, 90, 90],
  [255, 0, 255],
  [0, 160, 160],
  [120, 60, 10],
];

describe('InferencePool', () => {
  it('gives identical results with micro-batching and without', async () => {
    const single = await colourPool(1);
    const batches: number[] = [];
    const batched = await colourPool(4, 50, { onBatch: (size) => batches.push(size) });
    const one = await Promise.all(COLOURS.map(async (c) => single.pool.run(await job(single.spec, c))));
    const jobs = await Promise.all(COLOURS.map((c) => job(batched.spec, c)));
    const many = await Promise.all(jobs.map((j) => batched.pool.run(j)));
    expect(many.map((r) => r.fields)).toEqual(one.map((r) => r.fields));
    expect(Math.max(...batches)).toBe(4);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(COLOURS.length);
    expect(one.every((r) => r.batchSize === 1)).toBe(true);
  });

  it('replaces a worker that dies mid-request; only its request fails, the next ones succeed', async () => {
    const failures: string[] = [];
    const onFailure = (code: string) => failures.push(code);
    const { pool, spec } = await colourPool(1, 0, { onFailure }, 2048); // ~12M floats a run: slow enough
    const [slow, next] = await Promise.all([job(spec, [230, 20, 20]), job(spec, [10, 20, 220])]);
    const doomed = pool.run(slow);
    await pool.workers[0]?.terminate();
    await expect(doomed).rejects.toMatchObject({ code: 'INFERENCE_FAILED', status: 500 });
    expect(failures).toEqual(['INFERENCE_FAILED']);
    const after = await pool.run(next);
    expect(topLabel(after)).toBe('blue');
    expect(pool.size).toBe(1);
  });

  it('drops a queued job whose client went away before inference', async () => {
    const { pool, spec } = await colourPool(1, 0, {}, 1024);
    const [a, b] = await Promise.all([job(spec, [230, 20, 20]), job(spec, [20, 200, 30])]);
    const first = pool.run(a);
    const client = new AbortController();
    const queued = pool.run(b, client.signal);
    expect(pool.queued).toBe(1);
    client.abort();
    await expect(queued).rejects.toMatchObject({ code: 'NOT_READY' });
    expect(pool.queued).toBe(0);
    await first;
  });

  it('runs raw tensors and returns the requested outputs, in a queue shared with image jobs', async () => {
    const runs: RunTiming[] = [];
    const failures: string[] = [];
    const { pool, spec } = await colourPool(4, 5, {
      onBatch: (_, timing) => runs.push(timing),
      onFailure: (code) => failures.push(code),
    });
    const red = new Float32Array(3 * 16 * 16).fill(0);
    red.fill(0.9, 0, 256);
    const [image, raw] = await Promise.all([
      pool.run(await job(spec, [10, 20, 220])),
      pool.runTensors({ pixels: { type: 'float32', dims: [1, 3, 16, 16], data: red } }, ['logits']),
    ]);
    expect(topLabel(image)).toBe('blue');
    expect(raw.logits?.dims).toEqual([1, 3]);
    const logits = Array.from(raw.logits?.data as Float32Array);
    for (const [i, v] of [9, -4.5, -4.5].entries()) expect(logits[i]).toBeCloseTo(v, 4);
    await expect(
      pool.runTensors({ pixels: { type: 'float32', dims: [1, 3, 8, 8], data: new Float32Array(192) } }, [
        'logits',
      ]),
    ).rejects.toMatchObject({ code: 'INFERENCE_FAILED' });
    expect(failures).toEqual(['INFERENCE_FAILED']);
    // The image run has all three stage times; the raw-tensor run only session.run's.
    const [withStages, tensorsOnly] = [
      runs.filter((t) => t.preprocessMs !== undefined),
      runs.filter((t) => t.preprocessMs === undefined),
    ];
    expect(withStages).toHaveLength(1);
    expect(withStages[0]?.postprocessMs).toBeGreaterThanOrEqual(0);
    expect(tensorsOnly).toEqual([{ inferenceMs: expect.any(Number) }]);
  });

  it('serves once the first worker is warm; the others start behind it when it is idle', async () => {
    const { pool, spec } = await colourPool(1, 0, {}, 16, [2, 1, 1]);
    expect(pool.size).toBe(1);
    expect(topLabel(await pool.run(await job(spec, [230, 20, 20])))).toBe('red');
    await pool.allStarted;
    expect(pool.size).toBe(3);
  });

  it('starts no worker behind the first while its owner has work in progress', async () => {
    let ownerIdle = false;
    const { pool } = await colourPool(1, 0, { ownerIdle: () => ownerIdle }, 16, [1, 1]);
    await new Promise((r) => setTimeout(r, 400)); // eight times the idle wait
    expect(pool.size).toBe(1);
    ownerIdle = true;
    await pool.allStarted;
    expect(pool.size).toBe(2);
  });

  it('starts the next worker behind the first at once when a job waits for one', async () => {
    const { pool, spec } = await colourPool(1, 0, {}, 1024, [1, 1]);
    const jobs = await Promise.all([job(spec, [230, 20, 20]), job(spec, [10, 20, 220])]);
    const both = Promise.all(jobs.map((j) => pool.run(j)));
    expect(pool.queued).toBe(1); // the second waits: no idle wait before the next worker starts
    expect((await both).map(topLabel)).toEqual(['red', 'blue']);
    await pool.allStarted;
    expect(pool.size).toBe(2);
  });

  it('gives a lone job to the worker with the most threads', async () => {
    const failures: string[] = [];
    const { pool, spec } = await colourPool(1, 0, { onFailure: (c) => failures.push(c) }, 2048, [1, 2]);
    await pool.allStarted;
    // Workers are listed most threads first; the 2-thread one was started behind the first.
    const doomed = pool.run(await job(spec, [230, 20, 20]));
    expect(pool.busy).toBe(1);
    await pool.workers[0]?.terminate();
    await expect(doomed).rejects.toMatchObject({ code: 'INFERENCE_FAILED' });
    expect(failures).toEqual(['INFERENCE_FAILED']);
  });

  it('adopts a worker launched before the spec was read, and reports where its start went', async () => {
    const spec = await loadRocket(writeColourRocket({}, 16), '/');
    const session = {
      modelPath: spec.modelPath,
      candidates: [{ label: 'cpu', executionProviders: [{ name: 'cpu' as const }], required: true }],
      intraOpThreads: 1,
      spinning: true,
      nice: 0,
      optimizedModelDir: null,
      savesOptimizedModel: true,
    };
    const first = launchWorker(session);
    const pool = await InferencePool.start({ ...session, spec, kernels: 'native', batchMax: 1 }, [1], {
      first,
    });
    pools.push(pool);
    expect(pool.workers[0]).toBe(first.worker);
    await pool.proven;
    const { importedMs, sessionMs, specMs, servableMs, readyMs } = pool.startup ?? {};
    expect(importedMs).toBeLessThanOrEqual(sessionMs as number);
    expect(Math.max(sessionMs as number, specMs as number)).toBeLessThanOrEqual(servableMs as number);
    expect(servableMs).toBeLessThanOrEqual(readyMs as number);
    expect(topLabel(await pool.run(await job(spec, [20, 200, 30])))).toBe('green');
  });

  /** A proven one-worker colour pool that keeps onnxruntime's optimized copies of the model in `dir`. */
  async function cachingPool(spec: Awaited<ReturnType<typeof loadRocket>>, dir: string) {
    const pool = await InferencePool.start({ ...cpuWorkerInit(spec), optimizedModelDir: dir }, [1]);
    pools.push(pool);
    await pool.proven;
    return pool;
  }

  it("keeps onnxruntime's optimized copy of the model, and a later start loads it", async () => {
    const spec = await loadRocket(writeColourRocket({}, 16), '/');
    const dir = join(mkdtempSync(join(tmpdir(), 'pool-')), 'optimized');
    const made = await cachingPool(spec, dir);
    expect(made.startup?.optimizedModel).toBe('saved');
    const copies = readdirSync(dir);
    expect(copies).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.ort\.onnx$/)]);
    const loaded = await cachingPool(spec, dir);
    expect(loaded.startup?.optimizedModel).toBe('loaded');
    for (const rgb of [
      [200, 20, 30],
      [20, 200, 30],
      [20, 30, 200],
    ] as const) {
      const [a, b] = await Promise.all([
        made.run(await job(spec, [...rgb])),
        loaded.run(await job(spec, [...rgb])),
      ]);
      expect(b.fields).toEqual(a.fields);
    }
  });

  it('makes a copy onnxruntime cannot load again, and answers as before', async () => {
    const spec = await loadRocket(writeColourRocket({}, 16), '/');
    const dir = join(mkdtempSync(join(tmpdir(), 'pool-')), 'optimized');
    await cachingPool(spec, dir);
    const [copy] = readdirSync(dir);
    writeFileSync(join(dir, copy as string), 'not a model');
    const remade = await cachingPool(spec, dir);
    expect(remade.startup?.optimizedModel).toBe('saved');
    expect(readdirSync(dir)).toEqual([copy]);
    expect(readFileSync(join(dir, copy as string)).length).toBeGreaterThan(100);
    expect(topLabel(await remade.run(await job(spec, [20, 200, 30])))).toBe('green');
  });

  it('fails to start with the load error of a model onnxruntime cannot open, with the cache as without', async () => {
    const spec = await loadRocket(writeColourRocket({}, 16), '/');
    const folder = mkdtempSync(join(tmpdir(), 'pool-'));
    const broken = join(folder, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const cache = join(folder, 'optimized');
    const errors = [];
    for (const optimizedModelDir of [null, cache]) {
      const session = {
        modelPath: broken,
        candidates: [{ label: 'cpu', executionProviders: [{ name: 'cpu' as const }], required: true }],
        intraOpThreads: 1,
        spinning: true,
        nice: 0,
        optimizedModelDir,
        savesOptimizedModel: true,
      };
      errors.push(
        await InferencePool.start({ ...session, spec, kernels: 'native', batchMax: 1 }, [1], {
          first: launchWorker(session),
        }).catch((err: unknown) => err),
      );
    }
    expect(errors[0]).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(errors[1]).toMatchObject({ code: 'MODEL_LOAD_FAILED', message: (errors[0] as Error).message });
    expect(readdirSync(cache)).toEqual([]); // no copy, and no partial one
  });

  it('queues background work (jobs) behind synchronous work', async () => {
    const { pool, spec } = await colourPool(1, 0, {}, 1024, [1]);
    const order: string[] = [];
    const [first, j1, j2, r1] = await Promise.all([
      job(spec, [90, 90, 90]),
      job(spec, [230, 20, 20]),
      job(spec, [20, 200, 30]),
      job(spec, [10, 20, 220]),
    ]);
    const running = pool.run(first); // holds the one worker while the others queue
    const done = (name: string) => (r: JobResult) => order.push(`${name}:${topLabel(r)}`);
    const background = [
      inBackground(() => pool.run(j1)).then(done('job')),
      inBackground(() => pool.run(j2)).then(done('job')),
    ];
    const request = pool.run(r1).then(done('request'));
    await Promise.all([running, ...background, request]);
    expect(order).toEqual(['request:blue', 'job:red', 'job:green']);
  });
});
