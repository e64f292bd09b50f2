import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { buildConstantOutputs, ultralyticsNames, writeRocketDir } from '../helpers/detectors.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { failedStartup, useServer } from '../helpers/server.js';

// "No garbage": a model whose outputs are misread must never answer with detections. Either it
// fails to load (the warm-up run sees the impossible values) or the request fails with
// OUTPUT_INVALID naming the output and output.format.

const INPUT = { width: 64, height: 64 };

let image: Buffer;
beforeAll(async () => {
  image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
});

/**
 * 300 NMS-free rows as a YOLO26 export gives them: 20 detections (scores 0.95 down to 0.2,
 * classes spread over 0..79, boxes in input pixels), then rows of zeros.
 */
function end2endRows(): number[] {
  const rows = Array.from({ length: 300 }, (_, i) => {
    if (i >= 20) return [0, 0, 0, 0, 0, 0];
    const x = (i * 3) % 40;
    return [x, x + 2, x + 20, x + 18, 0.95 - i * 0.0375, (i * 17 + 11) % 80];
  });
  expect(Math.max(...rows.map((r) => r[5] as number))).toBe(79);
  return rows.flat();
}

/** A server's answer to the demo image: status and body. */
async function answer(url: string) {
  const res = await postImage(url, image);
  return { status: res.status, body: await json(res) };
}

describe('an end2end [1, 300, 6] model forced to output.format yolov5', () => {
  const manifest = { name: 'forced', task: 'detect', output: { format: 'yolov5' } };
  const model = (gated: boolean) =>
    buildConstantOutputs({
      input: INPUT,
      outputs: [{ name: 'output0', dims: [1, 300, 6], values: end2endRows() }],
      gated,
    });

  it('fails to load: the warm-up sees a confidence above 1 (class × score)', async () => {
    const { code, output } = await failedStartup('npm start server', {
      ROCKET_URL: writeRocketDir(model(false), manifest),
    });
    expect(code).toBe(1);
    expect(output).toContain('OUTPUT_INVALID');
    expect(output).toMatch(/output output0 read as yolov5 gave a confidence of [\d.]+/);
    expect(output).toContain('output.format');
  });

  describe('with outputs that are only wrong for a real image (a blank warm-up sees zeros)', () => {
    const server = useServer('npm start server', () => ({
      ROCKET_URL: writeRocketDir(model(true), manifest),
    }));

    it('answers 500 OUTPUT_INVALID naming the output and output.format, never detections', async () => {
      const { status, body } = await answer(server().url);
      expect(status).toBe(500);
      expect(body.detections).toBeUndefined();
      expect(body.error.code).toBe('OUTPUT_INVALID');
      expect(body.error.message).toMatch(/output output0 read as yolov5 gave a confidence of [\d.]+/);
      expect(body.error.message).toContain('output.format');
    });

    it('keeps serving (and refusing) after the failure', async () => {
      const health = await json(await fetch(`${server().url}/health`));
      expect(health.status).toBe('ok');
      expect((await answer(server().url)).status).toBe(500);
    });
  });
});

describe('a model with outputs no layout recognises ([1, 7] and [1, 3, 5])', () => {
  it('fails to load with ROCKET_UNSUPPORTED listing its inputs and outputs and mentioning output.format', async () => {
    const path = writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [
          { name: 'a', dims: [1, 7], values: new Array(7).fill(0.5) },
          { name: 'b', dims: [1, 3, 5], values: new Array(15).fill(0.5) },
        ],
      }),
    );
    const { code, output } = await failedStartup('npm start server', { ROCKET_URL: path });
    expect(code).toBe(1);
    expect(output).toContain('ROCKET_UNSUPPORTED');
    expect(output).toContain('images [1, 3, 64, 64]');
    expect(output).toContain('a [1, 7]');
    expect(output).toContain('b [1, 3, 5]');
    expect(output).toContain('output.format');
  });
});

describe('an end2end model whose class column holds 2.5', () => {
  const rows = [
    [10, 10, 30, 30, 0.9, 1],
    [20, 20, 50, 40, 0.8, 2.5],
    ...Array.from({ length: 50 }, () => [0, 0, 0, 0, 0, 0]),
  ];
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [{ name: 'output0', dims: [1, rows.length, 6], values: rows.flat() }],
        metadata: { end2end: 'True', names: ultralyticsNames(['a', 'b', 'c', 'd']) },
        gated: true,
      }),
    ),
  }));

  it('answers 500 OUTPUT_INVALID: a class that is not a whole number', async () => {
    const { status, body } = await answer(server().url);
    expect(status).toBe(500);
    expect(body.detections).toBeUndefined();
    expect(body.error.code).toBe('OUTPUT_INVALID');
    expect(body.error.message).toContain('output output0 read as end2end');
    expect(body.error.message).toContain('not a whole number');
    expect(body.error.message).toContain('output.format');
  });

  it('fails to load when the value is there for the warm-up too', async () => {
    const path = writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [{ name: 'output0', dims: [1, rows.length, 6], values: rows.flat() }],
        metadata: { end2end: 'True' },
      }),
    );
    const { code, output } = await failedStartup('npm start server', { ROCKET_URL: path });
    expect(code).toBe(1);
    expect(output).toContain('OUTPUT_INVALID');
    expect(output).toContain('not a whole number');
  });
});

describe('a boxes-scores model with a score of 4.6', () => {
  const n = 30;
  const boxes = Array.from({ length: n }, (_, i) => [0.1, 0.1, 0.2 + i / 100, 0.3]).flat();
  const scores = Array.from({ length: n }, (_, i) => (i === 3 ? [0.1, 4.6] : [0.05, 0.02])).flat();
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [
          { name: 'boxes', dims: [1, n, 4], values: boxes },
          { name: 'scores', dims: [1, n, 2], values: scores },
        ],
        metadata: { names: ultralyticsNames(['cat', 'dog']) },
        gated: true,
      }),
    ),
  }));

  it('answers 500 OUTPUT_INVALID naming the confidence, the outputs and output.format', async () => {
    const { status, body } = await answer(server().url);
    expect(status).toBe(500);
    expect(body.detections).toBeUndefined();
    expect(body.error.code).toBe('OUTPUT_INVALID');
    expect(body.error.message).toMatch(
      /output boxes, scores read as boxes-scores gave a confidence of 4\.(6|59999)/,
    );
    expect(body.error.message).toContain('output.format');
  });
});
