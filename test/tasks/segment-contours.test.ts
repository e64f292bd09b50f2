// Outer contours of hand-made masks, with the rings worked out by hand as OpenCV's findContours
// (RETR_EXTERNAL, CHAIN_APPROX_SIMPLE) gives them: border pixels, corners only, starting at the
// first pixel row by row and going down the left side first.
import { describe, expect, it } from 'vitest';
import { outerContours } from '../../src/tasks/segment/contours.js';
import { createRandom } from '../helpers/random.js';

/** A mask from rows of text: '#' set, anything else unset. Returns the bytes and the size. */
function maskOf(rows: string[]) {
  const width = rows[0]?.length ?? 0;
  const height = rows.length;
  const mask = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) if (row[x] === '#') mask[y * width + x] = 1;
  });
  return { mask, width, height };
}

const contoursOf = (rows: string[], offsetX = 0, offsetY = 0) => {
  const { mask, width, height } = maskOf(rows);
  return outerContours(mask, width, height, offsetX, offsetY);
};

describe('outerContours', () => {
  it('gives one ring per component: a ring with a hole (hole not traced) and a block', () => {
    expect(
      contoursOf(['..........', '.####.....', '.#..#..##.', '.####..##.', '.......##.', '..........']),
    ).toEqual([
      [
        [1, 1],
        [1, 3],
        [4, 3],
        [4, 1],
      ],
      [
        [7, 2],
        [7, 4],
        [8, 4],
        [8, 2],
      ],
    ]);
  });

  it('leaves out a component inside another one’s hole (external contours only)', () => {
    expect(contoursOf(['#####', '#...#', '#.#.#', '#...#', '#####'])).toEqual([
      [
        [0, 0],
        [0, 4],
        [4, 4],
        [4, 0],
      ],
    ]);
  });

  it('keeps a 1-pixel mask as a ring of one point, shifted by the region offset', () => {
    expect(contoursOf(['...', '.#.', '...'], 100, 50)).toEqual([[[101, 51]]]);
    expect(contoursOf(['#'])).toEqual([[[0, 0]]]);
  });

  it('traces a mask that fills its region to the region edges', () => {
    expect(contoursOf(['###', '###'], 10, 20)).toEqual([
      [
        [10, 20],
        [10, 21],
        [12, 21],
        [12, 20],
      ],
    ]);
  });

  it('joins diagonal neighbours (8-connected) and keeps the turns of a one-pixel-wide line', () => {
    expect(contoursOf(['#..', '.#.', '..#'])).toEqual([
      [
        [0, 0],
        [2, 2],
      ],
    ]);
    // An L one pixel wide: down to (0, 2), right to (2, 2), back to (1, 2), then the way back up
    // cuts the corner diagonally to (0, 1) and goes up to the start: the points where it turns.
    expect(contoursOf(['#..', '#..', '###'])).toEqual([
      [
        [0, 0],
        [0, 2],
        [2, 2],
        [1, 2],
        [0, 1],
      ],
    ]);
  });

  it('follows concave borders, with diagonal steps kept as one segment', () => {
    // A staircase: the border goes down the left side, along the bottom, then up the diagonal.
    expect(contoursOf(['#...', '##..', '###.', '####'])).toEqual([
      [
        [0, 0],
        [0, 3],
        [3, 3],
      ],
    ]);
  });

  it('an empty mask has no contours', () => {
    expect(contoursOf(['...', '...'])).toEqual([]);
    expect(outerContours(new Uint8Array(0), 0, 0)).toEqual([]);
  });

  it('throws RangeError when the mask is shorter than width × height', () => {
    expect(() => outerContours(new Uint8Array(5), 3, 2)).toThrow(RangeError);
  });

  // Every pixel of a component that touches the background outside the mask is a border pixel,
  // so each of them is a point of a ring or lies on a straight run between two.
  it('passes through every pixel that borders the outside, on seeded random masks', () => {
    const random = createRandom(7);
    for (let t = 0; t < 200; t++) {
      const width = 1 + Math.floor(random.next() * 12);
      const height = 1 + Math.floor(random.next() * 12);
      const mask = Uint8Array.from({ length: width * height }, () => (random.next() < 0.55 ? 1 : 0));
      const onRings = new Set<string>();
      for (const ring of outerContours(mask, width, height)) {
        ring.forEach((p, i) => {
          const q = ring[(i + 1) % ring.length] ?? p;
          const steps = Math.max(Math.abs(q[0] - p[0]), Math.abs(q[1] - p[1]));
          for (let s = 0; s <= steps; s++) {
            const x = p[0] + (steps && (s * (q[0] - p[0])) / steps);
            const y = p[1] + (steps && (s * (q[1] - p[1])) / steps);
            onRings.add(`${x},${y}`);
          }
        });
      }
      for (const [x, y] of pixelsTouchingOutside(mask, width, height)) {
        expect(onRings.has(`${x},${y}`), `(${x}, ${y}) of a ${width}×${height} mask`).toBe(true);
      }
    }
  });
});

/**
 * Set pixels with a 4-neighbour in the background reachable from outside the mask, found by a
 * plain flood fill of the padded mask (independent of the tracer's span fill).
 */
function pixelsTouchingOutside(mask: Uint8Array, width: number, height: number): [number, number][] {
  const set = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] === 1;
  const outside = new Set<string>();
  const queue: [number, number][] = [[-1, -1]];
  while (queue.length > 0) {
    const [x, y] = queue.pop() as [number, number];
    const key = `${x},${y}`;
    if (x < -1 || y < -1 || x > width || y > height || outside.has(key) || set(x, y)) continue;
    outside.add(key);
    queue.push([x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]);
  }
  const found: [number, number][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const near = [
        [x + 1, y],
        [x - 1, y],
        [x, y + 1],
        [x, y - 1],
      ];
      if (set(x, y) && near.some(([a, b]) => outside.has(`${a},${b}`))) found.push([x, y]);
    }
  }
  return found;
}
