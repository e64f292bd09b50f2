/**
 * A small, self-contained detection pipeline for testing the demo detector: letterbox with sharp,
 * run with onnxruntime-node, decode the YOLOv8 layout, class-aware NMS, map boxes back to image pixels.
 */
import type ort from 'onnxruntime-node';
import sharp, { type KernelEnum } from 'sharp';
import type { Box } from '../../src/tasks/detect/schema.js';

/** A detection in image pixels. */
export interface Detection {
  box: Box;
  score: number;
  classIndex: number;
}

/** Letterboxes an encoded image into a CHW float32 [1,3,size,size] tensor (RGB /255, pad 114, centred). */
export async function letterbox(image: Buffer, size: number, kernel: keyof KernelEnum = 'lanczos3') {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const scale = Math.min(size / width, size / height);
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  const padX = Math.floor((size - w) / 2);
  const padY = Math.floor((size - h) / 2);
  const rgb = await sharp(image).removeAlpha().resize(w, h, { fit: 'fill', kernel }).raw().toBuffer();
  const data = new Float32Array(3 * size * size).fill(114 / 255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        data[c * size * size + (y + padY) * size + x + padX] = (rgb[(y * w + x) * 3 + c] as number) / 255;
      }
    }
  }
  return { data, scale, padX, padY, width, height };
}

/** Intersection over union of two xyxy boxes; 0 when the union is empty. */
export function iou(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Decodes a [4+C, N] YOLOv8 head (batch removed) into candidates above `conf`, in input pixels. */
export function decodeYolo(out: Float32Array, classes: number, conf: number): Detection[] {
  const n = out.length / (4 + classes);
  const dets: Detection[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    let classIndex = -1;
    for (let c = 0; c < classes; c++) {
      const s = out[(4 + c) * n + i] as number;
      if (s > best) [best, classIndex] = [s, c];
    }
    if (best <= conf) continue;
    const [cx, cy, w, h] = [0, 1, 2, 3].map((r) => out[r * n + i] as number) as [
      number,
      number,
      number,
      number,
    ];
    dets.push({
      box: { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 },
      score: best,
      classIndex,
    });
  }
  return dets;
}

/** Class-aware greedy NMS: score descending (ties by index), drop boxes with IoU > `iouThreshold`. */
export function nms(dets: Detection[], iouThreshold: number): Detection[] {
  const order = dets.map((d, i) => ({ d, i })).sort((a, b) => b.d.score - a.d.score || a.i - b.i);
  const kept: Detection[] = [];
  for (const { d } of order) {
    if (kept.every((k) => k.classIndex !== d.classIndex || iou(k.box, d.box) <= iouThreshold)) kept.push(d);
  }
  return kept;
}

/** Runs the full pipeline on an encoded image; boxes come back in image pixels, clipped to the image. */
export async function detect(
  session: ort.InferenceSession,
  tensor: typeof ort.Tensor,
  image: Buffer,
  options: { size: number; classes: number; conf?: number; iou?: number; kernel?: keyof KernelEnum },
): Promise<Detection[]> {
  const lb = await letterbox(image, options.size, options.kernel);
  const input = new tensor('float32', lb.data, [1, 3, options.size, options.size]);
  const result = await session.run({ images: input });
  const out = result.output0?.data as Float32Array;
  const kept = nms(decodeYolo(out, options.classes, options.conf ?? 0.25), options.iou ?? 0.7);
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return kept.map((d) => ({
    ...d,
    box: {
      x1: clip((d.box.x1 - lb.padX) / lb.scale, lb.width),
      y1: clip((d.box.y1 - lb.padY) / lb.scale, lb.height),
      x2: clip((d.box.x2 - lb.padX) / lb.scale, lb.width),
      y2: clip((d.box.y2 - lb.padY) / lb.scale, lb.height),
    },
  }));
}
