import type { Preprocess } from '../../src/rocket/types.js';

/** Detector-style preprocessing (640×640 letterbox, RGB, ×1/255) with the given fields replaced. */
export const preprocessOf = (over: Partial<Preprocess> = {}): Preprocess => ({
  width: 640,
  height: 640,
  resize: 'letterbox',
  interpolation: 'linear',
  iccProfile: 'convert',
  invert: false,
  cropRatio: 0.875,
  padValue: 114,
  align: 'center',
  channelOrder: 'rgb',
  scale: 1 / 255,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  layout: 'nchw',
  ...over,
});
