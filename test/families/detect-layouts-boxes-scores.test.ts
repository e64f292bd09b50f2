import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import {
  boxToOriginal,
  buildConstantOutputs,
  type ConstantOutput,
  DEMO_SIZE,
  detectionsMatching,
  type Expected,
  letterbox,
  type Mapping,
  ultralyticsNames,
  writeRocketDir,
} from '../helpers/detectors.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { failedStartup, useServer } from '../helpers/server.js';

// A rectangular 320×256 input: the 640×480 image is letterboxed to 320×240 with 8 px on top, so
// normalised x and y are scaled differently (by 320 and 256).
const INPUT = { width: 320, height: 256 };
const MAP: Mapping = letterbox(DEMO_SIZE, INPUT);
const NAMES = ['cat', 'dog'];

/** A box in model-input pixels (xyxy) with its class and confidence. */
interface Truth {
  box: [number, number, number, number];
  cls: number;
  score: number;
}
const TRUTH: Truth[] = [
  { box: [60, 80, 140, 180], cls: 1, score: 0.9 },
  { box: [62, 82, 142, 182], cls: 1, score: 0.7 }, // IoU ≈ 0.91 with the first, same class: suppressed
  { box: [200, 40, 300, 120], cls: 0, score: 0.6 },
  { box: [10, 200, 50, 240], cls: 0, score: 0.2 }, // below the threshold
];
const PADDING = 36;
const N = TRUTH.length + PADDING;

/** The detections TRUTH must give: the first, third (NMS and the threshold take the others). */
const expected = (labelOf = (c: number) => NAMES[c] as string): Expected[] =>
  [TRUTH[0], TRUTH[2]].map((t) => ({
    class: t?.cls as number,
    label: labelOf(t?.cls as number),
    confidence: t?.score as number,
    box: boxToOriginal(MAP, t?.box as number[]),
  }));

type Format = 'xyxy' | 'cxcywh' | 'yxyx';
type Units = 'normalized' | 'input' | 'original';

/** A model-input xyxy box written in a box format and units. */
function encode([x1, y1, x2, y2]: readonly number[], format: Format, units: Units): number[] {
  let [a, b, c, d] = [x1, y1, x2, y2] as [number, number, number, number];
  if (units === 'normalized')
    [a, b, c, d] = [a / INPUT.width, b / INPUT.height, c / INPUT.width, d / INPUT.height];
  if (units === 'original') {
    const o = boxToOriginal(MAP, [a, b, c, d]);
    [a, b, c, d] = [o.x1, o.y1, o.x2, o.y2];
  }
  if (format === 'cxcywh') return [(a + c) / 2, (b + d) / 2, c - a, d - b];
  if (format === 'yxyx') return [b, a, d, c];
  return [a, b, c, d];
}

/** The boxes output for TRUTH and padding (zero boxes). */
const boxesOutput = (format: Format = 'xyxy', units: Units = 'normalized'): ConstantOutput => ({
  name: 'boxes',
  dims: [1, N, 4],
  values: [...TRUTH.flatMap((t) => encode(t.box, format, units)), ...new Array(4 * PADDING).fill(0)],
});

/** Scores [1, N, 2]: the class's score in its column, the rest of 1 (well, less) in the other. */
const twoColumnScores = (): ConstantOutput => ({
  name: 'scores',
  dims: [1, N, 2],
  values: [
    ...TRUTH.flatMap((t) => (t.cls === 0 ? [t.score, 0.05] : [0.05, t.score])),
    ...new Array(2 * PADDING).fill(0.01),
  ],
});

let image: Buffer;
beforeAll(async () => {
  image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
});

const FORMATS: Format[] = ['xyxy', 'cxcywh', 'yxyx'];
const UNITS: Units[] = ['normalized', 'input', 'original'];

describe.each(FORMATS.flatMap((boxFormat) => UNITS.map((boxUnits) => ({ boxFormat, boxUnits }))))(
  'a generated boxes-scores detector with output.boxFormat $boxFormat, boxUnits $boxUnits',
  ({ boxFormat, boxUnits }) => {
    const server = useServer('npm start server', () => ({
      ROCKET_URL: writeRocketDir(
        buildConstantOutputs({
          input: INPUT,
          outputs: [boxesOutput(boxFormat, boxUnits), twoColumnScores()],
        }),
        { name: 'boxes-scores', labels: 'labels.txt', output: { boxFormat, boxUnits } },
        { 'labels.txt': 'cat\ndog\n' },
      ),
    }));

    it('reads the boxes in that format and units, suppresses the duplicate and drops the weak box', async () => {
      const body = await json(await postImage(server().url, image));
      expect(body.detections).toEqual(detectionsMatching(expected()));
    });
  },
);

describe('a generated boxes-scores detector, zero-config (names in metadata)', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [boxesOutput(), twoColumnScores()],
        metadata: { names: ultralyticsNames(NAMES) },
      }),
    ),
  }));

  it('reads xyxy boxes in 0..1 of the input by default', async () => {
    const body = await json(await postImage(server().url, image));
    expect(body.detections).toEqual(detectionsMatching(expected()));
  });

  it('keeps the duplicate when the iou parameter allows it', async () => {
    const body = await json(await postImage(server().url, image, '?iou=0.95'));
    expect(body.detections.map((d: { confidence: number }) => d.confidence)).toEqual([0.9, 0.7, 0.6]);
  });
});

describe('a generated SSD-style detector with output.background 0 (softmax-like scores)', () => {
  // Columns [background, cat, dog], each row summing to 1; padding rows are all background.
  const rows = TRUTH.map((t) => {
    const background = 1 - t.score - 0.02;
    return t.cls === 0 ? [background, t.score, 0.02] : [background, 0.02, t.score];
  });
  const scores: ConstantOutput = {
    name: 'scores',
    dims: [1, N, 3],
    values: [...rows.flat(), ...Array.from({ length: PADDING }, () => [1, 0, 0]).flat()],
  };
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocketDir(
      buildConstantOutputs({ input: INPUT, outputs: [boxesOutput('cxcywh', 'normalized'), scores] }),
      { labels: 'labels.txt', output: { format: 'boxes-scores', boxFormat: 'cxcywh', background: 0 } },
      { 'labels.txt': 'cat\ndog\n' },
    ),
  }));

  it('never reports the background column and numbers the classes after it one lower', async () => {
    const body = await json(await postImage(server().url, image));
    expect(body.detections).toEqual(detectionsMatching(expected()));
  });

  it('reports nothing for the background-only rows even at a tiny threshold', async () => {
    const body = await json(await postImage(server().url, image, '?confidence=0.001'));
    // The 4 boxes (the duplicate suppressed); padding rows score 0 in every class.
    expect(body.detections.map((d: { confidence: number }) => d.confidence)).toEqual([0.9, 0.6, 0.2]);
  });
});

describe('a generated boxes-scores detector with a labels output', () => {
  const names = ['cat', 'dog', 'bird'];
  // One score and one class per box; the third box is a bird here.
  const classes = [1, 1, 2, 0];
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [
          boxesOutput(),
          {
            name: 'scores',
            dims: [1, N],
            values: [...TRUTH.map((t) => t.score), ...new Array(PADDING).fill(0)],
          },
          {
            name: 'labels',
            dims: [1, N],
            values: BigInt64Array.from([...classes, ...new Array(PADDING).fill(0)].map(BigInt)),
          },
        ],
        metadata: { names: ultralyticsNames(names) },
      }),
    ),
  }));

  it('takes each class from the labels output', async () => {
    const body = await json(await postImage(server().url, image));
    const want = expected().map((e, i) => {
      const cls = i === 0 ? 1 : 2;
      return { ...e, class: cls, label: names[cls] as string };
    });
    expect(body.detections).toEqual(detectionsMatching(want));
  });
});

describe('a zero-config boxes-scores model with 3 score columns, no class names and no background', () => {
  it('fails to load with ROCKET_UNSUPPORTED naming output.background', async () => {
    const path = writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [boxesOutput(), { name: 'scores', dims: [1, N, 3], values: new Array(3 * N).fill(0.1) }],
      }),
    );
    const { code, output } = await failedStartup('npm start server', { ROCKET_URL: path });
    expect(code).toBe(1);
    expect(output).toContain('ROCKET_UNSUPPORTED');
    expect(output).toContain('output.background');
    expect(output).toContain('3 score columns');
  });
});
