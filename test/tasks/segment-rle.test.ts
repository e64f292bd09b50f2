// COCO RLE of hand-made masks: the counts and the compressed string worked out by hand from
// pycocotools' rules (common/maskApi.c), and the round trip through this project's decoder.
import { describe, expect, it } from 'vitest';
import {
  countsFromString,
  countsToString,
  decodeRle,
  encodeRegionRle,
  type MaskRegion,
  regionRunLengths,
  setRuns,
} from '../../src/tasks/segment/rle.js';
import { createRandom } from '../helpers/random.js';

/** A region mask from rows of text ('#' set) placed at (x, y). */
function regionOf(rows: string[], x: number, y: number) {
  const width = rows[0]?.length ?? 0;
  const mask = Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
  return { mask, region: { x, y, width, height: rows.length } as MaskRegion };
}

/** The whole-image mask (row by row) of a region mask, made the plain way for comparison. */
function wholeImage(mask: Uint8Array, r: MaskRegion, width: number, height: number): Uint8Array {
  const image = new Uint8Array(width * height);
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) image[(r.y + y) * width + r.x + x] = mask[y * r.width + x] ? 1 : 0;
  }
  return image;
}

const sum = (mask: Uint8Array) => mask.reduce((a, b) => a + b, 0);

describe('compressed counts (rleToString / rleFrString)', () => {
  it('writes a hand-computed example', () => {
    // 3 → '3', 5 → '5'; 200 = 6 × 32 + 8 → groups 8 (+32, more follow) and 6 → 'X6';
    // 6 − 5 = 1 → '1'; 1 − 200 = −199 = −7 × 32 + 25 → 25 + 32 (more: the sign bit is set and −7
    // is not −1) → 'i', then −7 = −1 × 32 + 25 → 25, the last group → 'I'.
    expect(countsToString([3, 5, 200, 6, 1])).toBe('35X61iI');
    // The fourth count 1 is 2 less than the second: −1 is the one group 31 → 'O'.
    expect(countsToString([0, 2, 3, 1, 6])).toBe('023O3');
  });

  it('reads them back', () => {
    expect(countsFromString('35X61iI')).toEqual([3, 5, 200, 6, 1]);
    expect(countsFromString('023O3')).toEqual([0, 2, 3, 1, 6]);
    expect(countsFromString('')).toEqual([]);
  });

  it('round-trips large counts and large negative differences', () => {
    const counts = [0, 12_000_000, 1, 3, 4_000_000_000, 2, 7, 1];
    expect(countsFromString(countsToString(counts))).toEqual(counts);
  });

  it('rejects characters outside the alphabet, a cut number and negative counts', () => {
    expect(() => countsFromString('3 5')).toThrow(RangeError);
    expect(() => countsFromString('X')).toThrow(RangeError); // a group saying more follow, then nothing
    expect(() => countsFromString('O')).toThrow(RangeError); // −1
  });
});

describe('regionRunLengths: column-major runs from a region mask', () => {
  it('starts with a run of 0s and reads down the columns', () => {
    // A 3×2 region at (1, 1) of a 4×3 image. Column-major, the image is
    // x=0: 0 0 0 | x=1: 0 1 0 | x=2: 0 1 1 | x=3: 0 0 1  →  runs 4, 1, 2, 2, 2, 1
    const { mask, region } = regionOf(['##.', '.##'], 1, 1);
    expect(regionRunLengths(mask, region, 4, 3)).toEqual([4, 1, 2, 2, 2, 1]);
  });

  it('gives a first run of 0 for a mask at the image’s top-left corner', () => {
    const { mask, region } = regionOf(['#.', '##'], 0, 0);
    // 2×2 image, column-major 1 1 0 1 → 0, 2, 1, 1
    expect(regionRunLengths(mask, region, 2, 2)).toEqual([0, 2, 1, 1]);
  });

  it('ends on the last run without an empty one, at the bottom-right corner', () => {
    const { mask, region } = regionOf(['#'], 2, 1);
    // 3×2 image, the last pixel set: 5 zeros then 1.
    expect(regionRunLengths(mask, region, 3, 2)).toEqual([5, 1]);
  });

  it('joins a run down the foot of one full column to the top of the next', () => {
    // Full-height columns 1 and 2 of a 4×2 image: column-major 0 0 | 0 1 | 1 1 | 0 0
    const { mask, region } = regionOf(['.#', '##'], 1, 0);
    expect(regionRunLengths(mask, region, 4, 2)).toEqual([3, 3, 2]);
  });

  it('an empty mask (or region) is one run of 0s', () => {
    const { mask, region } = regionOf(['..', '..'], 1, 1);
    expect(regionRunLengths(mask, region, 5, 4)).toEqual([20]);
    expect(regionRunLengths(new Uint8Array(0), { x: 0, y: 0, width: 0, height: 0 }, 5, 4)).toEqual([20]);
  });
});

describe('encodeRegionRle and decodeRle', () => {
  it('encodes size [height, width] and the compressed counts', () => {
    const { mask, region } = regionOf(['##.', '.##'], 1, 1);
    // Runs 4, 1, 2, 2, 2, 1; from the fourth on, less the count two before: 2 − 1, 2 − 2, 1 − 2.
    expect(encodeRegionRle(mask, region, 4, 3)).toEqual({ size: [3, 4], counts: '41210O' });
  });

  it.each([
    ['in the middle', ['.##.', '####', '.#..'], 3, 2, 9, 7],
    ['at the top-left corner', ['##', '#.'], 0, 0, 5, 4],
    ['at the bottom-right corner', ['.#', '##'], 3, 2, 5, 4],
    ['spanning full columns', ['#.##', '####', '##.#'], 2, 0, 7, 3],
    ['filling the image', ['###', '###'], 0, 0, 3, 2],
  ])('round-trips a mask %s', (_, rows, x, y, width, height) => {
    const { mask, region } = regionOf(rows as string[], x as number, y as number);
    const rle = encodeRegionRle(mask, region, width as number, height as number);
    const decoded = decodeRle(rle);
    expect(decoded).toEqual(wholeImage(mask, region, width as number, height as number));
    expect(sum(decoded)).toBe(sum(mask));
  });

  it('round-trips seeded random region masks', () => {
    const random = createRandom(11);
    for (let t = 0; t < 100; t++) {
      const width = random.int(1, 20);
      const height = random.int(1, 20);
      const r: MaskRegion = {
        x: random.int(0, width - 1),
        y: random.int(0, height - 1),
        width: 0,
        height: 0,
      };
      r.width = random.int(0, width - r.x);
      r.height = random.next() < 0.3 ? height - r.y : random.int(0, height - r.y);
      if (random.next() < 0.3) [r.y, r.height] = [0, height];
      const density = random.next();
      const mask = Uint8Array.from({ length: r.width * r.height }, () => (random.next() < density ? 1 : 0));
      const decoded = decodeRle(encodeRegionRle(mask, r, width, height));
      expect(decoded).toEqual(wholeImage(mask, r, width, height));
    }
  });

  it('lists the set runs column by column, split at the foot of a column', () => {
    const { mask, region } = regionOf(['.#', '##'], 1, 0);
    expect(setRuns(encodeRegionRle(mask, region, 4, 2))).toEqual([
      { x: 1, y: 1, length: 1 },
      { x: 2, y: 0, length: 2 },
    ]);
  });

  it('rejects counts that do not add up to the size', () => {
    expect(() => decodeRle({ size: [2, 2], counts: '12' })).toThrow(RangeError);
  });
});
