/**
 * Rocket directories around the real models in ../shared (the models are referenced by absolute
 * path, never copied), and the box comparison the real-model tests share.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { shared } from './shared.js';

/** One detection as /process returns it. */
export interface Det {
  label: string;
  class: number;
  confidence: number;
  box: { x1: number; y1: number; x2: number; y2: number };
  keypoints?: unknown[];
}

/** A known answer: a label and its xyxy box in original-image pixels. */
export type ExpectedBox = [label: string, box: [number, number, number, number]];

/** Finds, for each expected box, its own detection of that label within `tolerance` px on every side. */
export function expectBoxes(detections: Det[], expected: ExpectedBox[], tolerance: number): void {
  const unused = [...detections];
  for (const [label, [x1, y1, x2, y2]] of expected) {
    const i = unused.findIndex(
      (d) =>
        d.label === label &&
        Math.abs(d.box.x1 - x1) <= tolerance &&
        Math.abs(d.box.y1 - y1) <= tolerance &&
        Math.abs(d.box.x2 - x2) <= tolerance &&
        Math.abs(d.box.y2 - y2) <= tolerance,
    );
    expect(
      i,
      `${label} [${x1}, ${y1}, ${x2}, ${y2}] ±${tolerance} in ${JSON.stringify(detections)}`,
    ).toBeGreaterThanOrEqual(0);
    unused.splice(i, 1);
  }
}

/** Writes `rocket.json` (and any other JSON files) into a new temporary directory; returns it. */
export function writeRocketDir(prefix: string, files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), `rocket-${prefix}-`));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
  return dir;
}

/** UltraFace RFB-320 as a rocket: separate boxes and scores outputs, column 0 the background. */
export function writeUltraFaceRocket(): string {
  return writeRocketDir('ultraface', {
    'rocket.json': {
      model: shared('models', 'faces', 'ultraface_rfb_320x240.onnx'),
      task: 'detect',
      labels: 'labels.json',
      preprocess: { resize: 'stretch', scale: 1, mean: [127, 127, 127], std: [128, 128, 128] },
      output: { format: 'boxes-scores', boxFormat: 'xyxy', boxUnits: 'normalized', background: 0 },
      thresholds: { confidence: 0.7, iou: 0.3 },
    },
    'labels.json': ['face'],
  });
}

/** UltraFace's known answers (../shared/README.md, "Known answers"). */
export const ULTRAFACE_ZIDANE: ExpectedBox[] = [
  ['face', [923.4, 106.7, 1054.9, 282.4]],
  ['face', [547.0, 242.4, 656.1, 427.4]],
];
export const ULTRAFACE_KIMONO: ExpectedBox[] = [['face', [889.3, 216.3, 974.7, 317.1]]];
