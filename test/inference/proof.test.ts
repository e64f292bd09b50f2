import { afterEach, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { decodeForModel } from '../../src/image/decode.js';
import type { Job } from '../../src/inference/messages.js';
import { InferencePool, type PoolOptions } from '../../src/inference/pool.js';
import { loadRocket } from '../../src/rocket/load.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { buildConstantOutputs, writeRocketDir } from '../helpers/detectors.js';
import { rejected } from '../helpers/errors.js';
import { buildAnySizeLuma, writeRocket } from '../helpers/image2image-models.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { cpuWorkerInit } from '../helpers/pool.js';
import { writeSlowColourRocket } from '../helpers/slow-models.js';

// A pool's first worker is proven by its first run before anything it computes is answered: the
// first request's batch when one is queued or on its way (its images also checked as the warm-up
// checks a blank image), else the warm-up itself. Whichever it was, a rocket whose outputs cannot
// be right never answers, and one that passes serves the same answers either way.

const pools: InferencePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function startPool(rocketDir: string, options: PoolOptions) {
  const spec = (await loadRocket(rocketDir, '/')) as ImageRocketSpec;
  const init = cpuWorkerInit(spec);
  const pool = await InferencePool.start(init, [1], options);
  pools.push(pool);
  return { pool, spec };
}

async function jobOf(spec: ImageRocketSpec, image: Buffer): Promise<Job> {
  const decoded = await decodeForModel(image, spec.preprocess, 1e6);
  return { ...decoded, pixels: decoded.pixels.slice(), thresholds: spec.thresholds, options: {} };
}

/** The owner (the app) has a request on its way: admitted, not yet queued. */
const requestOnItsWay: PoolOptions = { ownerIdle: () => false };

/**
 * A yolov5-layout detector of one class ("thing") on a 64 × 64 input whose 16 rows are zeros but
 * for `rows` (row index → [cx, cy, w, h, objectness, class score]); `gated`: those rows are there
 * only for a non-black image, so a blank warm-up sees zeros.
 */
function constantDetector(name: string, rows: Record<number, number[]>, gated: boolean): string {
  const values = Array.from({ length: 16 }, (_, i) => rows[i] ?? [0, 0, 0, 0, 0, 0]).flat();
  const model = buildConstantOutputs({
    input: { width: 64, height: 64 },
    outputs: [{ name: 'output0', dims: [1, 16, 6], values }],
    gated,
  });
  const manifest = { name, task: 'detect', output: { format: 'yolov5' }, labels: 'labels.txt' };
  return writeRocketDir(model, manifest, { 'labels.txt': 'thing\n' });
}

/** A detector whose one box has confidence 4.6, where 1 is the most there can be. */
const impossibleConfidenceRocket = (gated: boolean) =>
  constantDetector('impossible', { 3: [32, 32, 20, 20, 4.6, 1] }, gated);

/**
 * A detector with one plain box (0.9) and, at confidence 0.01, a box 100 canvas widths to the
 * right: below any request's threshold, and beyond the best detection the warm-up keeps, but a
 * misread layout all the same.
 */
const faintImpossibleBoxRocket = () =>
  constantDetector('faint', { 3: [32, 32, 20, 20, 0.9, 1], 9: [6400, 32, 20, 20, 0.01, 1] }, false);

describe("a pool's first worker", () => {
  it('takes the request on its way as its proof: no warm-up run, the same answer as a later run', async () => {
    const { pool, spec } = await startPool(writeColourRocket({}, 16), requestOnItsWay);
    const image = await solidImage([230, 20, 20]);
    const first = await pool.run(await jobOf(spec, image));
    await pool.proven;
    expect(pool.startup?.provenBy).toBe('request');
    const later = await pool.run(await jobOf(spec, image));
    expect(first.fields).toEqual(later.fields);
    expect((first.fields.predictions as { label: string }[])[0]?.label).toBe('red');
  });

  it('warms up on a blank image when no request is on its way', async () => {
    const { pool } = await startPool(writeColourRocket({}, 16), {});
    await pool.proven;
    expect(pool.startup?.provenBy).toBe('blank');
    const { importedMs, sessionMs, specMs, servableMs, readyMs } = pool.startup ?? {};
    expect(importedMs).toBeLessThanOrEqual(sessionMs as number);
    expect(Math.max(sessionMs as number, specMs as number)).toBeLessThanOrEqual(servableMs as number);
    expect(servableMs).toBeLessThanOrEqual(readyMs as number);
    // In ms since this process started, whichever origin the worker thread's clock has.
    expect(importedMs).toBeGreaterThan(0);
    expect(readyMs).toBeLessThanOrEqual(performance.now());
  });

  it('warms up when the request on its way never comes (PROOF_WAIT_MS)', async () => {
    const { pool } = await startPool(writeColourRocket({}, 16), requestOnItsWay);
    await pool.proven;
    expect(pool.startup?.provenBy).toBe('blank');
  });

  it('warms up first when the first work is raw tensors, which no family checks', async () => {
    const { pool, spec } = await startPool(writeColourRocket({}, 16), requestOnItsWay);
    const pixels = new Float32Array(3 * 16 * 16).fill(0.5);
    const feeds = { [spec.inputName]: { type: 'float32', dims: [1, 3, 16, 16], data: pixels } };
    const outputs = await pool.runTensors(feeds, spec.outputNames);
    expect(Object.keys(outputs)).toEqual(spec.outputNames);
    await pool.proven;
    expect(pool.startup?.provenBy).toBe('blank');
  });

  it('warms up an any-size rocket on a blank image even with a request on its way', async () => {
    const { pool, spec } = await startPool(writeRocket(buildAnySizeLuma()), requestOnItsWay);
    const image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const first = pool.run(await jobOf(spec, image));
    await pool.proven;
    expect(pool.startup?.provenBy).toBe('blank');
    expect((await first).fields.output).toMatchObject({ width: 1280, height: 960 });
  });

  it('lets a warm-up under way end before close() stops its thread (stopping it mid-run aborts the process)', async () => {
    const { pool } = await startPool(writeSlowColourRocket(4), {});
    pools.splice(pools.indexOf(pool), 1);
    await pool.close('The server is shutting down'); // the warm-up started at once: no request on its way
    expect((await rejected(pool.proven)).code).toBe('NOT_READY');
  });

  it('never answers a proof that fails the checks; a warm-up that passes then proves the rocket', async () => {
    const { pool, spec } = await startPool(impossibleConfidenceRocket(true), requestOnItsWay);
    const scene = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const err = await rejected(pool.run(await jobOf(spec, scene)));
    expect(err.code).toBe('OUTPUT_INVALID');
    expect(err.message).toMatch(/confidence of 4\.(6|59999)/);
    await pool.proven;
    expect(pool.startup?.provenBy).toBe('blank');
    // Proven, it goes on checking each request as before: the same image fails the same way.
    expect((await rejected(pool.run(await jobOf(spec, scene)))).code).toBe('OUTPUT_INVALID');
  });

  it('checks every candidate of its proof, not only the one detection the warm-up keeps', async () => {
    const { pool, spec } = await startPool(faintImpossibleBoxRocket(), requestOnItsWay);
    const scene = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const err = await rejected(pool.run(await jobOf(spec, scene)));
    expect(err.code).toBe('OUTPUT_INVALID');
    expect(err.message).toMatch(/box coordinate of 6\d{3}/);
    expect((await rejected(pool.proven)).code).toBe('OUTPUT_INVALID');
  });

  it('fails to prove a rocket whose outputs cannot be right for any image: its request gets the error', async () => {
    const { pool, spec } = await startPool(impossibleConfidenceRocket(false), requestOnItsWay);
    const scene = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    expect((await rejected(pool.run(await jobOf(spec, scene)))).code).toBe('OUTPUT_INVALID');
    const failed = await rejected(pool.proven);
    expect(failed.code).toBe('OUTPUT_INVALID');
    expect(failed.message).toContain('output.format');
  });
});
