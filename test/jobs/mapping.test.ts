import { describe, expect, it } from 'vitest';
import { applyFieldMapping, parseFieldMapping } from '../../src/jobs/mapping.js';
import type { TabularSpec } from '../../src/rocket/types.js';

const named: TabularSpec = {
  features: 3,
  featureNames: ['a', 'b', 'c'],
  outputs: [{ name: 'label', role: 'label' }],
};
const bare: TabularSpec = { features: 3, outputs: [{ name: 'label', role: 'label' }] };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const csv = (text: string) => ({ data: Buffer.from(text), json: false });

describe('a job mapping file', () => {
  it('names the client field of each feature, by feature name or by index', () => {
    expect(parseFieldMapping(json({ Cee: 'c', Ay: 'a', Bee: 'b' }), named)).toEqual(['Ay', 'Bee', 'Cee']);
    expect(parseFieldMapping(json({ z: 2, x: 0, y: 1 }), bare)).toEqual(['x', 'y', 'z']);
    expect(parseFieldMapping(json({ z: 2, x: 'a', y: 1 }), named)).toEqual(['x', 'y', 'z']);
  });

  it.each([
    ['not JSON', Buffer.from('{'), named, /not JSON/],
    ['an array', json(['a', 'b', 'c']), named, /Expected a JSON object/],
    ['an unknown feature', json({ x: 'a', y: 'b', w: 'd' }), named, /one of a, b, c for the feature of "w"/],
    ['a name on a rocket without names', json({ x: 'a', y: 1, z: 2 }), bare, /names no features.*0 to 2/],
    ['an index out of range', json({ x: 0, y: 1, z: 3 }), bare, /feature index from 0 to 2/],
    ['a feature twice', json({ x: 0, y: 0, z: 2 }), bare, /feature 0 twice: "x" and "y"/],
    ['a missing feature', json({ x: 'a', y: 'b' }), named, /no field for feature "c" \(2\)/],
  ])('refuses %s with INVALID_INPUT', (_, bytes, tab, message) => {
    expect(() => parseFieldMapping(bytes, tab)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseFieldMapping(bytes, tab)).toThrow(message);
  });

  it('turns a CSV with renamed, reordered fields into rows in the model feature order', () => {
    const fieldOf = parseFieldMapping(json({ 'Field C': 'c', 'Field A': 'a', 'Field B': 'b' }), named);
    const text = '"Field C","Field A","Field B"\n3,1,2\n# a comment\n6,4,5\n';
    expect(applyFieldMapping(csv(text), fieldOf, named)).toEqual({
      inputs: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
  });

  it('turns JSON rows of objects with the client names into rows', () => {
    const fieldOf = parseFieldMapping(json({ A: 0, B: 1, C: 2 }), bare);
    const body = { data: json({ inputs: [{ C: 3, A: 1, B: 2 }] }), json: true };
    expect(applyFieldMapping(body, fieldOf, bare)).toEqual({ inputs: [[1, 2, 3]] });
  });

  it.each([
    ['a CSV without a header', '1,2,3\n', /first row must be a header.*lacks "A", "B", "C"/],
    ["a scikit-learn dataset file's first line", '2,3,x,y\n1,2,3,0\n', /first row must be a header/],
    ['a header that lacks a field', 'A,B\n1,2\n', /lacks "C"/],
    ['a field the mapping does not name', 'A,B,C,D\n1,2,3,4\n', /unknown field\(s\) D/],
    ['a value that is not a number', 'A,B,C\n1,two,3\n', /row 2\.B/],
  ])('refuses %s with INVALID_INPUT naming it', (_, text, message) => {
    const fieldOf = parseFieldMapping(json({ A: 0, B: 1, C: 2 }), bare);
    expect(() => applyFieldMapping(csv(text), fieldOf, bare)).toThrow(message);
  });
});
