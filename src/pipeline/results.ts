/** xyxy box in original-image pixels (after EXIF orientation). */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Detection {
  label: string;
  class: number;
  confidence: number;
  box: Box;
}

export interface Prediction {
  label: string;
  class: number;
  confidence: number;
}

/** An image produced by an image-to-image rocket: HWC RGB bytes. */
export interface OutputImage {
  width: number;
  height: number;
  channels: 3;
  pixels: Uint8Array;
}

/** What a task's postprocessing returns; the response envelope adds rocket, image and timing. */
export type TaskResult =
  | { task: 'detect'; detections: Detection[] }
  | { task: 'classify'; predictions: Prediction[] }
  | { task: 'image2image'; output: OutputImage };
