import type { Job } from '../inference/messages.js';
import type { Candidates, Kernels } from '../kernels/types.js';
import { labelOf } from '../rocket/labels.js';
import type { ImageRocketSpec } from '../rocket/types.js';
import type { Detection } from './results.js';

/**
 * Turns a YOLO head into detections in original-image pixels: decode + confidence filter, NMS,
 * then undo the letterbox and clamp to the image. Buffers are sized once per model and reused.
 */
export class DetectPostprocessor {
  private candidates?: Candidates;
  private kept?: Int32Array;

  constructor(
    private readonly spec: ImageRocketSpec,
    private readonly kernels: Kernels,
  ) {}

  /** `dims` is the output tensor's shape, batch first: [1, 4+C, N] (yolov8) or [1, N, 5+C] (yolov5). */
  run(output: Float32Array, dims: readonly number[], job: Job): Detection[] {
    const [, a = 0, b = 0] = dims;
    const v8 = this.spec.outputFormat === 'yolov8';
    const numAnchors = v8 ? b : a;
    const numClasses = v8 ? a - 4 : b - 5;
    const { boxes, scores, classes } = this.buffers(numAnchors);
    const t = job.thresholds;
    const count = this.kernels.decodeYolo(
      output,
      { layout: v8 ? 'v8' : 'v5', numClasses, numAnchors, confThreshold: t.confidence },
      { boxes, scores, classes },
    );
    const kept = this.kept as Int32Array;
    const n = this.kernels.nms(
      boxes,
      scores,
      classes,
      { count, iouThreshold: t.iou, maxDetections: t.maxDetections, classAware: t.classAware },
      kept,
    );
    const { placement: p, original } = job;
    const toX = (x: number) => clamp((x - p.offsetX) / p.scaleX, original.width);
    const toY = (y: number) => clamp((y - p.offsetY) / p.scaleY, original.height);
    const detections: Detection[] = [];
    for (let i = 0; i < n; i++) {
      const k = kept[i] as number;
      const cls = classes[k] as number;
      detections.push({
        label: labelOf(this.spec.labels, cls),
        class: cls,
        confidence: round(scores[k] as number, 4),
        box: {
          x1: round(toX(boxes[4 * k] as number), 1),
          y1: round(toY(boxes[4 * k + 1] as number), 1),
          x2: round(toX(boxes[4 * k + 2] as number), 1),
          y2: round(toY(boxes[4 * k + 3] as number), 1),
        },
      });
    }
    return detections;
  }

  private buffers(numAnchors: number): Candidates {
    if (!this.candidates || this.candidates.scores.length < numAnchors) {
      this.candidates = {
        boxes: new Float32Array(numAnchors * 4),
        scores: new Float32Array(numAnchors),
        classes: new Int32Array(numAnchors),
      };
      this.kept = new Int32Array(numAnchors);
    }
    return this.candidates;
  }
}

const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
