/**
 * Demo images for the embedded demo detector: coloured rectangles on a grey background, drawn
 * pixel by pixel (so every box is exact) and encoded with sharp.
 */
import sharp from 'sharp';
import type { Box } from '../tasks/detect/schema.js';

/** The demo detector's classes, in model order. */
export const DEMO_LABELS = ['red', 'green', 'blue', 'yellow'] as const;
export type DemoLabel = (typeof DEMO_LABELS)[number];

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** The colour each class is drawn in. */
export const DEMO_COLORS: Readonly<Record<DemoLabel, Rgb>> = {
  red: [220, 30, 30],
  green: [20, 190, 40],
  blue: [30, 60, 220],
  yellow: [235, 215, 20],
};

/** A ground-truth object of a scene; `x2, y2` of its box are exclusive (where drawing stops). */
export interface DemoObject {
  label: DemoLabel;
  box: Box;
}

/** A scene to render: objects the detector must find, and distractors (other colours) it must ignore. */
export interface DemoScene {
  name: string;
  width: number;
  height: number;
  /** `grey`: flat mid-grey (128); `texture`: grey with gentle waves and noise. Default `grey`. */
  background?: 'grey' | 'texture';
  objects: readonly DemoObject[];
  distractors?: readonly { color: Rgb; box: Box }[];
}

/** Encoding of {@link renderDemoScene}; JPEG uses sharp's defaults (4:2:0 chroma) at `quality`. */
export interface RenderOptions {
  format?: 'png' | 'jpeg';
  /** JPEG quality 1..100; default 80. */
  quality?: number;
}

const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });
const obj = (label: DemoLabel, ...b: [number, number, number, number]): DemoObject => ({
  label,
  box: box(...b),
});
const paint = (color: Rgb, ...b: [number, number, number, number]) => ({ color, box: box(...b) });
const scene = (
  name: string,
  [width, height]: [number, number],
  background: DemoScene['background'],
  objects: DemoObject[],
  distractors: DemoScene['distractors'] = [],
): DemoScene => ({ name, width, height, background, objects, distractors });
const WHITE: Rgb = [245, 245, 245];
const BLACK: Rgb = [25, 25, 25];
const BEIGE: Rgb = [205, 185, 160];

/**
 * Built-in scenes with known boxes: `shapes` (with white and black distractors), `near` (objects
 * 24 px apart, and a touching pair), `border`, `sizes` (30 px and 250 px), `wide` (800×400),
 * `square` (512×512) and `empty` (distractors only). The others are 640×480.
 */
// biome-ignore format: a table of boxes reads better packed
export const demoScenes = {
  shapes: scene('shapes', [640, 480], 'grey',
    [obj('red', 60, 60, 160, 140), obj('green', 380, 50, 520, 150), obj('blue', 120, 280, 210, 410)],
    [paint(WHITE, 260, 200, 340, 260), paint(BLACK, 560, 200, 620, 280)]),
  near: scene('near', [640, 480], 'texture', [
    obj('red', 100, 120, 220, 230), obj('green', 244, 120, 344, 230), obj('blue', 100, 254, 200, 354),
    obj('red', 224, 254, 330, 360), obj('yellow', 400, 140, 520, 220), obj('green', 520, 160, 590, 230),
    obj('yellow', 400, 246, 520, 330),
  ]),
  border: scene('border', [640, 480], 'grey', [
    obj('red', 0, 0, 90, 70), obj('blue', 560, 180, 640, 300), obj('green', 250, 400, 380, 480),
    obj('yellow', 540, 0, 640, 60), obj('green', 0, 300, 50, 420),
  ]),
  sizes: scene('sizes', [640, 480], 'texture', [
    obj('red', 80, 80, 110, 110), obj('green', 500, 60, 530, 90), obj('blue', 190, 170, 440, 420),
    obj('yellow', 560, 400, 592, 432), obj('red', 40, 380, 72, 410),
  ]),
  wide: scene('wide', [800, 400], 'texture',
    [obj('yellow', 60, 80, 220, 200), obj('blue', 300, 150, 460, 350), obj('red', 560, 60, 760, 180)],
    [paint(BEIGE, 560, 240, 700, 360)]),
  square: scene('square', [512, 512], 'grey',
    [obj('green', 30, 40, 290, 290), obj('red', 340, 360, 470, 470), obj('blue', 360, 60, 460, 120)]),
  empty: scene('empty', [640, 480], 'texture', [],
    [paint(WHITE, 80, 80, 240, 200), paint(BLACK, 380, 260, 560, 420), paint(BEIGE, 300, 60, 420, 160)]),
} satisfies Record<string, DemoScene>;

function background(scene: DemoScene, x: number, y: number): number {
  if (scene.background !== 'texture') return 128;
  const wave = 14 * Math.sin(x / 23) * Math.cos(y / 31) + 8 * Math.sin((x + 2 * y) / 57);
  const noise = ((Math.imul(x * 73856093 + y * 19349663, 2654435761) >>> 24) / 255 - 0.5) * 12;
  return Math.round(128 + wave + noise);
}

/** Draws a scene and encodes it as PNG (default) or JPEG. Returns the encoded file. */
export async function renderDemoScene(scene: DemoScene, options: RenderOptions = {}): Promise<Buffer> {
  const { width, height } = scene;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      rgb.fill(background(scene, x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  const fills = [
    ...(scene.distractors ?? []),
    ...scene.objects.map((o) => ({ color: DEMO_COLORS[o.label], box: o.box })),
  ];
  for (const { color, box: b } of fills) {
    for (let y = Math.max(0, b.y1); y < Math.min(height, b.y2); y++) {
      for (let x = Math.max(0, b.x1); x < Math.min(width, b.x2); x++) rgb.set(color, (y * width + x) * 3);
    }
  }
  const image = sharp(rgb, { raw: { width, height, channels: 3 } });
  return options.format === 'jpeg'
    ? image.jpeg({ quality: options.quality ?? 80 }).toBuffer()
    : image.png().toBuffer();
}
