import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestModel, MEMO_SUFFIX } from '../../src/inference/model-digest.js';
import { buildColourClassifier, tempDir, writeModelFile } from '../helpers/models.js';

/** A clock an hour ahead, by which every file written in a test has long settled. */
const later = () => Date.now() + 3_600_000;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const stat = (path: string) => statSync(path, { bigint: true });
const memosIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith(MEMO_SUFFIX));

describe('digestModel', () => {
  it("is the model's sha256, and whether its bytes may name an external data file", () => {
    const model = writeModelFile();
    expect(digestModel(model, stat(model), tempDir())).toEqual({
      sha256: sha256(model),
      mayHaveExternalData: false,
    });
    const external = writeModelFile(Buffer.from('.. location ..'));
    expect(digestModel(external, stat(external), tempDir()).mayHaveExternalData).toBe(true);
  });

  it('remembers a settled model by its file identity, and then does not read it', () => {
    const model = writeModelFile();
    const dir = tempDir();
    digestModel(model, stat(model), dir, later());
    const [memo] = memosIn(dir);
    expect(memo).toBeDefined();
    // What the memo says is what is answered: the model itself is not read again.
    const told = { sha256: 'a'.repeat(64), mayHaveExternalData: true };
    writeFileSync(join(dir, memo as string), JSON.stringify(told));
    expect(digestModel(model, stat(model), dir, later())).toEqual(told);
  });

  it('does not remember a model written moments ago, which could change within the same file time', () => {
    const model = writeModelFile();
    const dir = tempDir();
    expect(digestModel(model, stat(model), dir).sha256).toBe(sha256(model));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads a model again once its bytes change, even with its old modification time put back', async () => {
    const model = writeModelFile(buildColourClassifier(16));
    const dir = tempDir();
    const before = statSync(model);
    const first = digestModel(model, stat(model), dir, later());
    await new Promise((r) => setTimeout(r, 30)); // past the file clock's granularity
    const changed = Buffer.from(readFileSync(model));
    changed[changed.length - 1] = (changed.at(-1) as number) ^ 0xff; // the same size
    writeFileSync(model, changed);
    utimesSync(model, before.atime, before.mtime); // as `tar` or `cp -p` would
    const second = digestModel(model, stat(model), dir, later());
    expect(second.sha256).toBe(sha256(model));
    expect(second.sha256).not.toBe(first.sha256);
    expect(memosIn(dir)).toHaveLength(2);
  });

  it('reads the model when its memo is not one, and writes the memo again', () => {
    const model = writeModelFile();
    const dir = tempDir();
    digestModel(model, stat(model), dir, later());
    const memo = join(dir, memosIn(dir)[0] as string);
    for (const garbled of ['{"sha256": "ab', '{"sha256": "not hex", "mayHaveExternalData": false}', 'null']) {
      writeFileSync(memo, garbled);
      expect(digestModel(model, stat(model), dir, later()).sha256).toBe(sha256(model));
      expect(JSON.parse(readFileSync(memo, 'utf8'))).toEqual({
        sha256: sha256(model),
        mayHaveExternalData: false,
      });
    }
  });

  it('goes without a memo where none can be written', () => {
    const model = writeModelFile();
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    expect(digestModel(model, stat(model), join(file, 'optimized'), later()).sha256).toBe(sha256(model));
  });
});
