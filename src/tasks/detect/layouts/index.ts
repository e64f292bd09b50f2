/**
 * Every detector layout, in the order zero-config recognition asks them: the most specific
 * signatures (names and inputs) first, the YOLO shapes last.
 */
import type { DetectLayout } from '../layout.js';
import { boxesScores } from './boxes-scores.js';
import { detr } from './detr.js';
import { end2end } from './end2end.js';
import { retinaface } from './retinaface.js';
import { scrfd } from './scrfd.js';
import { yolov5, yolov8 } from './yolo.js';
import { yolox } from './yolox.js';
import { yunet } from './yunet.js';

export const LAYOUTS: readonly DetectLayout[] = [
  detr,
  scrfd,
  yunet,
  boxesScores,
  end2end,
  yolov8,
  yolov5,
  yolox,
  retinaface,
];

/** The layout an `output.format` names, if any. */
export const layoutNamed = (name: string): DetectLayout | undefined => LAYOUTS.find((l) => l.name === name);
