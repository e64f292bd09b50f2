import { AsyncLocalStorage } from 'node:async_hooks';

/** The stages of one image's way through the pipeline, in the order they run. */
export const STAGES = ['decode', 'queue wait', 'preprocess', 'inference', 'postprocess'] as const;
export type StageName = (typeof STAGES)[number];

/** Receives the stages of the request it was installed for (the request's trace span). */
export interface StageSink {
  /** One stage, with its start and end on this thread's `performance.now()` clock, in ms. */
  stage(name: StageName, start: number, end: number): void;
}

const sinks = new AsyncLocalStorage<StageSink>();

/**
 * Runs `fn` with `sink` receiving every stage recorded inside it, across awaits. Only traced
 * requests install a sink; without one, recordStage() does nothing.
 */
export function withStageSink<T>(sink: StageSink, fn: () => T): T {
  return sinks.run(sink, fn);
}

/** Reports a stage of the current request to its sink, if it has one. */
export function recordStage(name: StageName, start: number, end: number): void {
  sinks.getStore()?.stage(name, start, end);
}

/**
 * Reports the worker stages of one inference run: the queue wait (queued → handed to a worker),
 * then preprocess, inference and postprocess. The worker measures durations only, so these three
 * are placed back to back from the hand-off; the small gaps it does not time (message passing,
 * copies) fall after them.
 */
export function recordWorkerStages(
  queuedAt: number,
  startedAt: number,
  timing: { preprocessMs: number; inferenceMs: number; postprocessMs: number },
): void {
  const sink = sinks.getStore();
  if (!sink) return;
  sink.stage('queue wait', queuedAt, startedAt);
  const inferenceAt = startedAt + timing.preprocessMs;
  const postprocessAt = inferenceAt + timing.inferenceMs;
  sink.stage('preprocess', startedAt, inferenceAt);
  sink.stage('inference', inferenceAt, postprocessAt);
  sink.stage('postprocess', postprocessAt, postprocessAt + timing.postprocessMs);
}
