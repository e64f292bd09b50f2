import { describe, expect, it } from 'vitest';
import { recordStage, recordWorkerStages, type StageName, withStageSink } from '../../src/serving/stages.js';

/** Collects what a request's stages report, as the trace span does. */
function collector() {
  const stages: [StageName, number, number][] = [];
  return {
    stages,
    sink: { stage: (name: StageName, start: number, end: number) => stages.push([name, start, end]) },
  };
}

describe('stage recording for traced requests', () => {
  it('reaches the sink installed for the request, across awaits', async () => {
    const { stages, sink } = collector();
    await withStageSink(sink, async () => {
      await new Promise((r) => setTimeout(r, 1));
      recordStage('decode', 10, 12);
    });
    expect(stages).toEqual([['decode', 10, 12]]);
  });

  it('does nothing outside a traced request', () => {
    const { stages, sink } = collector();
    withStageSink(sink, () => {});
    recordStage('decode', 1, 2);
    recordWorkerStages(1, 2, { preprocessMs: 1, inferenceMs: 1, postprocessMs: 1 });
    expect(stages).toEqual([]);
  });

  it('places the worker stages back to back from the hand-off to the worker', () => {
    const { stages, sink } = collector();
    withStageSink(sink, () =>
      recordWorkerStages(100, 105, { preprocessMs: 2, inferenceMs: 10, postprocessMs: 3 }),
    );
    expect(stages).toEqual([
      ['queue wait', 100, 105],
      ['preprocess', 105, 107],
      ['inference', 107, 117],
      ['postprocess', 117, 120],
    ]);
  });

  it('keeps concurrent requests apart', async () => {
    const a = collector();
    const b = collector();
    const run = (c: ReturnType<typeof collector>, at: number) =>
      withStageSink(c.sink, async () => {
        await new Promise((r) => setTimeout(r, at));
        recordStage('decode', at, at + 1);
      });
    await Promise.all([run(a, 5), run(b, 1)]);
    expect(a.stages).toEqual([['decode', 5, 6]]);
    expect(b.stages).toEqual([['decode', 1, 2]]);
  });
});
