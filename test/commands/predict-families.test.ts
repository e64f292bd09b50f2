// `rocket predict --out` for every family that answers a picture: the same drawing as
// format=image (or the image an image-to-image rocket makes), written at the photo's size, from
// rockets made in code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ultralyticsNames, writeRocketDir } from '../helpers/detectors.js';
import { buildInvertUpscale, writeModel } from '../helpers/families.js';
import { writeObbRocket } from '../helpers/obb-models.js';
import { buildPoseModel, keypointLine } from '../helpers/pose-models.js';
import { buildSegmentModel, SEG_DEMO_ANCHORS } from '../helpers/segment-models.js';
import { buildSegmenter, COLOUR_CLASSES } from '../helpers/semantic-models.js';
import { rgbOf } from '../image/pixels.js';
import { runCli } from './run-cli.js';
import { writeShapesScene } from './shapes-scene.js';

/** A pose rocket: one hand of 4 keypoints on the 640×480 scene, named in rocket.json. */
function writePoseRocket(): string {
  const hand = {
    box: [160, 150, 100, 120] as [number, number, number, number],
    scores: [0.2, 0.85],
    keypoints: keypointLine(4, [130, 100], [10, 25], () => 0.9),
  };
  return writeRocketDir(
    buildPoseModel({ width: 320, height: 320 }, [hand], 64, { names: ultralyticsNames(['paw', 'hand']) }),
    {
      task: 'pose',
      keypoints: {
        shape: [4, 3],
        skeleton: [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
      },
    },
  );
}

/** A semantic rocket: the colour segmenter at 16 × 16 with its labels. */
function writeSemanticRocket(): string {
  return writeRocketDir(
    buildSegmenter(16),
    { labels: 'labels.txt' },
    { 'labels.txt': COLOUR_CLASSES.join('\n') },
  );
}

type Rgb = Awaited<ReturnType<typeof rgbOf>>;

/** The pixels of two same-size images whose channels differ by more than 60 somewhere. */
function changedPixels(a: Rgb, b: Rgb): number {
  let count = 0;
  for (let i = 0; i < a.data.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      if (Math.abs((a.data[i + c] as number) - (b.data[i + c] as number)) > 60) {
        count++;
        break;
      }
    }
  }
  return count;
}

const ROCKETS: [family: string, write: () => string][] = [
  ['segment', () => writeModel(buildSegmentModel(SEG_DEMO_ANCHORS))],
  ['pose', writePoseRocket],
  ['obb', writeObbRocket],
  ['semantic', writeSemanticRocket],
  ['image2image', () => writeModel(buildInvertUpscale(32))],
];

describe('rocket predict --out, for each family that draws', () => {
  let dir: string;
  let scene: string;
  beforeAll(async () => {
    ({ dir, scene } = await writeShapesScene('rocket-predict-families-'));
  });

  it('(a JPEG of the scene itself changes few pixels that much: colour edges)', async () => {
    const photo = await rgbOf(readFileSync(scene));
    const jpeg = await rgbOf(await sharp(readFileSync(scene)).jpeg().toBuffer());
    expect(changedPixels(photo, jpeg)).toBeLessThan(100);
  });

  it.each(ROCKETS)('%s: writes its picture of the photo at the photo’s size', async (family, write) => {
    const rocket = write();
    const json = await runCli(['predict', scene, '--rocket', rocket]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).task).toBe(family);
    const out = join(dir, `${family}.out`);
    const run = await runCli(['predict', scene, '--rocket', rocket, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Wrote ${out}\n`);
    const [before, after] = await Promise.all([rgbOf(readFileSync(scene)), rgbOf(readFileSync(out))]);
    expect([after.width, after.height]).toEqual([640, 480]);
    // Something is drawn over the photo (or, image-to-image, the photo is remade): far more
    // pixels change by over 60 levels than a JPEG of the photo changes.
    expect(changedPixels(before, after), family).toBeGreaterThan(1000);
  });
});
