import { describe, expect, it } from 'vitest';
import { planPlacement } from '../../src/image/geometry.js';
import { preprocessOf } from '../helpers/preprocess.js';

const pre = preprocessOf;

describe('planPlacement', () => {
  it('letterboxes a portrait photo (bus.jpg, 810×1080) centred with the pad split evenly', () => {
    const p = planPlacement(810, 1080, pre({}));
    expect(p).toMatchObject({ resizeWidth: 480, resizeHeight: 640, offsetX: 80, offsetY: 0 });
    expect(p.scaleX).toBeCloseTo(480 / 810);
    expect(p.scaleY).toBeCloseTo(640 / 1080);
  });

  it('puts the odd padding pixel right/bottom', () => {
    const p = planPlacement(1280, 719, pre({}));
    // 719 × 0.5 = 359.5 → 360 rows, 280 pad → 140 top
    expect(p).toMatchObject({ resizeWidth: 640, resizeHeight: 360, offsetX: 0, offsetY: 140 });
    const q = planPlacement(100, 61, pre({ width: 100, height: 100 }));
    // 39 rows of padding: 19 on top, 20 below
    expect(q).toMatchObject({ resizeHeight: 61, offsetY: 19 });
  });

  it('puts the image top-left with align top-left (YOLOX, YuNet, SCRFD)', () => {
    const p = planPlacement(810, 1080, pre({ align: 'top-left' }));
    expect(p).toMatchObject({ resizeWidth: 480, resizeHeight: 640, offsetX: 0, offsetY: 0 });
  });

  it('letterboxes into a non-square canvas', () => {
    const p = planPlacement(1280, 720, pre({ width: 640, height: 384 }));
    expect(p).toMatchObject({ resizeWidth: 640, resizeHeight: 360, offsetX: 0, offsetY: 12 });
  });

  it('center-crops the short side resized to size / cropRatio (256 → 224)', () => {
    const p = planPlacement(500, 375, pre({ width: 224, height: 224, resize: 'center-crop' }));
    expect(p.resizeHeight).toBe(256);
    expect(p.resizeWidth).toBe(341);
    expect(p.crop).toEqual({ left: 58, top: 16, width: 224, height: 224 });
  });

  it('stretches ignoring the aspect ratio', () => {
    const p = planPlacement(50, 20, pre({ width: 28, height: 28, resize: 'stretch' }));
    expect(p).toMatchObject({ resizeWidth: 28, resizeHeight: 28, offsetX: 0, offsetY: 0 });
    expect(p.scaleX).toBeCloseTo(28 / 50);
  });

  it('never produces an empty resize for extreme aspect ratios', () => {
    const p = planPlacement(10000, 1, pre({}));
    expect(p.resizeHeight).toBe(1);
    expect(p.resizeWidth).toBe(640);
  });
});
