import { readFileSync } from 'node:fs';
import { RocketApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import type { Timing } from '../src/pipeline/pipeline.js';
import { applyProcessSettings } from '../src/process-settings.js';

/** Per-stage medians of the in-process pipeline, and its throughput at a given concurrency. */
export interface FloorResult {
  workers: number;
  intraOpThreads: number;
  /** Median of each stage over sequential runs, in ms. */
  stagesP50: Omit<Timing, 'totalMs'>;
  latencyP50Ms: number;
  throughputRps: number;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/**
 * The floor: the same rocket's pipeline in this process, no HTTP. Sequential runs give the
 * latency floor and per-stage times; `concurrency` parallel loops give the throughput floor.
 */
export async function measureFloor(
  rocket: string,
  imagePath: string,
  env: Record<string, string>,
  seconds: number,
  concurrency: number,
): Promise<FloorResult> {
  const config = loadConfig({ env: { ...env, ROCKET_URL: rocket, MAX_QUEUE: '1000' } });
  applyProcessSettings(); // as the server does
  const app = new RocketApp(config, createLogger('error'));
  await app.ready;
  const pipeline = app.pipeline();
  const image = readFileSync(imagePath);
  const timings: Timing[] = [];
  for (let i = 0; i < 5; i++) await pipeline.process(image);
  const sequentialEnd = performance.now() + (seconds * 1000) / 2;
  while (performance.now() < sequentialEnd) timings.push((await pipeline.process(image)).timing);
  let done = 0;
  const loadEnd = performance.now() + (seconds * 1000) / 2;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < loadEnd) {
        await pipeline.process(image);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  await app.close();
  const p50 = (key: Exclude<keyof Timing, 'tiles'>) =>
    percentile(
      timings.map((t) => t[key]),
      50,
    );
  const health = app.health();
  return {
    workers: health.status === 'ok' ? health.workers : 0,
    intraOpThreads: config.INTRA_OP_THREADS,
    stagesP50: {
      decodeMs: p50('decodeMs'),
      preprocessMs: p50('preprocessMs'),
      inferenceMs: p50('inferenceMs'),
      postprocessMs: p50('postprocessMs'),
    },
    latencyP50Ms: p50('totalMs'),
    throughputRps: done / elapsed,
  };
}
