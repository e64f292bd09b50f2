/**
 * The colour of each class id, PASCAL VOC's palette computed rather than tabled: the id's bits are
 * dealt out three at a time, lowest first, to red, green and blue, filling each channel from its
 * top bit down. Ids 0..20 are VOC's class colours (0 black, 1 dark red, 15 person pink), 255 its
 * "void" colour (224, 224, 192); neighbouring ids differ in the top bits, so they stand apart.
 */
export function classColour(id: number): [number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let bit = 7, rest = id; rest > 0 && bit >= 0; bit--, rest >>= 3) {
    r |= (rest & 1) << bit;
    g |= ((rest >> 1) & 1) << bit;
    b |= ((rest >> 2) & 1) << bit;
  }
  return [r, g, b];
}

/** `#rrggbb` of a class id. */
export const classHex = (id: number): string =>
  `#${classColour(id)
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;

/** `#rrggbb` of classes 0 to `count` − 1, for the playground. */
export const paletteHex = (count: number): string[] => Array.from({ length: count }, (_, id) => classHex(id));
