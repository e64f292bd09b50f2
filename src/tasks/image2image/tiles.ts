/**
 * Runs an any-size image-to-image rocket on an image as tiles (see tile-plan.ts) and blends their
 * outputs into one image. Memory stays bounded by the tile, whatever the image: onnxruntime's
 * working set of one run (Real-ESRGAN animevideov3 takes about 1.5 KB per input pixel), plus one
 * band of tile rows of blended output floats, besides the output bytes themselves.
 */

import { RocketError } from '../../errors.js';
import type { OutputImage } from '../../image/encode.js';
import type { Job } from '../../inference/messages.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import type { OutputView, RunModel } from '../types.js';
import { type Chroma, type Image2ImageHead, imageShape, OutputCanvas } from './output.js';
import { featherWeights, type Span, type TilePlan } from './tile-plan.js';

/** Output pixels per input pixel, along x and y. */
export interface Scale {
  x: number;
  y: number;
}

/**
 * The whole number of output pixels per input pixel along each axis, from one run of a
 * `input` image that gave a `output` image. Tiles need it: ROCKET_UNSUPPORTED otherwise.
 */
export function outputScale(
  spec: ImageRocketSpec,
  input: { width: number; height: number },
  output: { width: number; height: number },
): Scale {
  const x = output.width / input.width;
  const y = output.height / input.height;
  if (Number.isInteger(x) && Number.isInteger(y) && x >= 1 && y >= 1) return { x, y };
  throw new RocketError(
    'ROCKET_UNSUPPORTED',
    `Rocket ${spec.name}: a ${input.width}×${input.height} input gave a ${output.width}×${output.height} ` +
      'output, not a whole multiple of the input, which tiles need. Set image2image.tile.maxPixels to 0 ' +
      'in rocket.json to run every image whole.',
  );
}

/** The part of a decoded job under one tile, as a job of its own (the canvas is the tile). */
export function cropJob(job: Job, column: Span, row: Span): Job {
  const { channels } = job;
  const line = column.size * channels;
  const pixels = new Uint8Array(line * row.size);
  for (let y = 0; y < row.size; y++) {
    const from = ((row.start + y) * job.width + column.start) * channels;
    pixels.set(job.pixels.subarray(from, from + line), y * line);
  }
  const { size: width } = column;
  const { size: height } = row;
  const placement = {
    resizeWidth: width,
    resizeHeight: height,
    offsetX: 0,
    offsetY: 0,
    scaleX: 1,
    scaleY: 1,
  };
  return { ...job, pixels, width, height, placement };
}

/**
 * The blended output of a grid of tiles, built a row of tiles at a time: the band of output
 * rows the current tile row covers is accumulated as floats (`[C, rows, width]` planes), and
 * the rows no later tile touches become bytes as soon as the tile row is done.
 */
class TileBlender {
  readonly canvas: OutputCanvas;
  private readonly columns: Float32Array[];
  private readonly rows: Float32Array[];
  private readonly band: Float32Array;
  private readonly plane: number;
  private readonly width: number;
  /** The output row held in the band's first row. */
  private top = 0;

  constructor(
    spec: ImageRocketSpec<Image2ImageHead>,
    job: Job,
    private readonly plan: TilePlan,
    private readonly scale: Scale,
    private readonly channels: number,
    chroma?: Chroma,
  ) {
    this.width = job.width * scale.x;
    checkOutputSize(spec, job, this.width, job.height * scale.y);
    this.canvas = new OutputCanvas(spec, this.width, job.height * scale.y, channels, chroma);
    this.columns = featherWeights(plan.columns, scale.x);
    this.rows = featherWeights(plan.rows, scale.y);
    const bandRows = Math.max(...plan.rows.map((r) => r.size)) * scale.y;
    this.plane = bandRows * this.width;
    this.band = new Float32Array(channels * this.plane);
  }

  /** True when a tile's output has the scale and channels of the first. */
  fits(scale: Scale, channels: number): boolean {
    return scale.x === this.scale.x && scale.y === this.scale.y && channels === this.channels;
  }

  /** Adds the weighted output of the tile at column `c`, row `r` (its values in the model's layout). */
  add(c: number, r: number, values: Float32Array, hwc: boolean): void {
    const { channels, band, plane, width } = this;
    const wx = this.columns[c] as Float32Array;
    const wy = this.rows[r] as Float32Array;
    const left = (this.plan.columns[c] as Span).start * this.scale.x;
    const first = (this.plan.rows[r] as Span).start * this.scale.y - this.top;
    const [tw, th] = [wx.length, wy.length];
    for (let k = 0; k < channels; k++) {
      for (let y = 0; y < th; y++) {
        const weightY = wy[y] as number;
        const to = k * plane + (first + y) * width + left;
        for (let x = 0; x < tw; x++) {
          const v = hwc ? values[(y * tw + x) * channels + k] : values[(k * th + y) * tw + x];
          band[to + x] = (band[to + x] as number) + (v as number) * weightY * (wx[x] as number);
        }
      }
    }
  }

  /** Writes the rows tile row `r` completes (those above the next tile row) and moves the rest up. */
  finishRow(r: number): void {
    const next = this.plan.rows[r + 1];
    const end = next ? next.start * this.scale.y : this.canvas.image.height;
    const done = end - this.top;
    const { band, plane, width } = this;
    this.canvas.write(this.top, done, (i, k) => band[k * plane + i] as number);
    for (let k = 0; k < this.channels; k++) {
      band.copyWithin(k * plane, k * plane + done * width, (k + 1) * plane);
      band.fill(0, (k + 1) * plane - done * width, (k + 1) * plane);
    }
    this.top = end;
  }
}

/**
 * Runs a job as the tiles of `plan`, one model run each, and blends their outputs (`read` picks
 * the output image of a run). Every tile must scale by the same whole factor.
 */
export async function runTiles(
  job: Job,
  plan: TilePlan,
  spec: ImageRocketSpec<Image2ImageHead>,
  run: RunModel,
  read: (outputs: Record<string, OutputView>) => OutputView,
  chroma?: Chroma,
): Promise<OutputImage> {
  const hwc = spec.preprocess.layout === 'nhwc';
  let blender: TileBlender | undefined;
  for (const [r, row] of plan.rows.entries()) {
    for (const [c, column] of plan.columns.entries()) {
      const out = read(await run(cropJob(job, column, row)));
      const shape = imageShape(out.dims, hwc);
      const scale = outputScale(spec, { width: column.size, height: row.size }, shape);
      blender ??= new TileBlender(spec, job, plan, scale, shape.channels, chroma);
      if (!blender.fits(scale, shape.channels)) throw outputScaleMismatch(spec);
      blender.add(c, r, out.data as Float32Array, hwc);
    }
    blender?.finishRow(r);
  }
  if (!blender) throw new Error('a tile plan has at least one tile');
  return blender.canvas.image;
}

/** IMAGE_TOO_LARGE when an output of `width × height` would exceed the rocket's limit. */
export function checkOutputSize(
  spec: ImageRocketSpec<Image2ImageHead>,
  job: Job,
  width: number,
  height: number,
): void {
  const limit = spec.head.maxOutputPixels;
  if (width * height <= limit) return;
  throw new RocketError(
    'IMAGE_TOO_LARGE',
    `The ${job.width}×${job.height} image would give a ${width}×${height} output (${width * height} pixels); ` +
      `this rocket makes at most ${limit} (image2image.maxOutputPixels in rocket.json)`,
  );
}

function outputScaleMismatch(spec: ImageRocketSpec): RocketError {
  return new RocketError(
    'ROCKET_UNSUPPORTED',
    `Rocket ${spec.name}: its tiles' outputs differ in scale or channels; set image2image.tile.maxPixels ` +
      'to 0 in rocket.json to run every image whole.',
  );
}
