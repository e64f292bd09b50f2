import { describe, expect, it } from 'vitest';
import { RocketError } from '../../src/errors.js';
import type { TabularSpec } from '../../src/rocket/types.js';
import { rowsFromCsv } from '../../src/tabular/rows.js';

const bare: TabularSpec = { features: 2, outputs: [{ name: 'y', role: 'scores' }] };
const named: TabularSpec = { ...bare, featureNames: ['a b', 'c'] };

/** The INVALID_INPUT error rowsFromCsv throws for `text`. */
function failure(text: string, tab: TabularSpec): RocketError {
  try {
    rowsFromCsv(text, tab);
  } catch (err) {
    if (err instanceof RocketError) return err;
    throw err;
  }
  throw new Error(`Expected ${JSON.stringify(text)} to be refused`);
}

describe('rowsFromCsv', () => {
  it.each([
    ['a quoted header with a space', '"a b","c"\n1,2\n', named, [[1, 2]]],
    ['quoted fields holding commas', '"a b","c"\n"1","2"\n', named, [[1, 2]]],
    ['a header field with a comma', '"x, y",c\n3,4\n', { ...bare, featureNames: ['x, y', 'c'] }, [[3, 4]]],
    [
      'escaped (doubled) quotes',
      '"say ""hi""",c\n5,6\n',
      { ...bare, featureNames: ['say "hi"', 'c'] },
      [[5, 6]],
    ],
    [
      'CRLF line ends',
      'a b,c\r\n1,2\r\n3,4\r\n',
      named,
      [
        [1, 2],
        [3, 4],
      ],
    ],
    ['a UTF-8 BOM before a quoted header', '\ufeff"a b",c\n1,2\n', named, [[1, 2]]],
    [
      'blank trailing lines',
      '1,2\n3,4\n\n\n',
      bare,
      [
        [1, 2],
        [3, 4],
      ],
    ],
    [
      'blank and # lines between rows, spaces round cells',
      '# comment\n 1 , 2 \n\n  \n3,4',
      bare,
      [
        [1, 2],
        [3, 4],
      ],
    ],
    ['columns in another order than the mapping', 'c,"a b"\n2,1\n', named, [[1, 2]]],
  ])('reads %s', (_, text, tab, rows) => {
    expect(rowsFromCsv(text, tab)).toEqual(rows);
  });

  it("reads scikit-learn's dataset layout, ignoring the target column", () => {
    const text = '2,2,"setosa, the first",versicolor\n5.1,3.5,0\n4.9,3.0,1\n';
    expect(rowsFromCsv(text, bare)).toEqual([
      [5.1, 3.5],
      [4.9, 3.0],
    ]);
  });

  it.each([
    [
      'a non-number, by row and column',
      '1,2\n3,x\n',
      bare,
      'Expected a number for row 2 column 2 but received "x"',
    ],
    ['an empty quoted cell', '1,2\n"",4\n', bare, 'Expected a number for row 2 column 1 but received ""'],
    [
      'a named cell, by row and field',
      '"a b",c\n1,2\n3,"4,5"\n',
      named,
      'Expected a number for row 3.c but received "4,5"',
    ],
    ['an unknown field', 'a,c\n1,2\n', named, 'row 2 has unknown field(s) a; expected a b, c'],
    ['sklearn rows, counting the first line', '2,2,t\n1,2,0\n1,?,0\n', bare, 'row 3 column 2'],
    ['skipped lines, not counted as rows', '# note\n\n1,2\n\n3,x\n', bare, 'row 2 column 2'],
    ['an unclosed quote, with its line', '1,2\n"3,4\n', bare, /^Cannot read the CSV: .*line 2/],
    ['text after a closing quote', '1,"2"x\n', bare, /^Cannot read the CSV: .*line 1/],
  ])('refuses %s (INVALID_INPUT)', (_, text, tab, message) => {
    const err = failure(text, tab);
    expect(err.code).toBe('INVALID_INPUT');
    if (typeof message === 'string') expect(err.message).toContain(message);
    else expect(err.message).toMatch(message);
  });
});
