import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BatchInput, openInputs } from '../../src/batch/inputs/index.js';
import { inputFilter } from '../../src/batch/inputs/kinds.js';
import { nameOfUri, safeName } from '../../src/batch/inputs/names.js';
import { ownOutputs } from '../../src/batch/output.js';
import { imageName } from '../../src/batch/process-input.js';
import { Stores } from '../../src/batch/stores/index.js';

async function all(source: { list(): AsyncIterable<BatchInput> }): Promise<BatchInput[]> {
  const out: BatchInput[] = [];
  for await (const input of source.list()) out.push(input);
  return out.sort((a, b) => a.uri.localeCompare(b.uri));
}

describe('batch inputs', () => {
  let dir: string;
  const stores = new Stores();
  const images = { accept: inputFilter('image', false), isOutput: () => false };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rocket-batch-inputs-'));
    mkdirSync(join(dir, 'photos', 'a', 'b'), { recursive: true });
    mkdirSync(join(dir, 'photos', '.hidden'), { recursive: true });
    for (const name of [
      'x.jpg',
      'a/y.PNG',
      'a/b/z.webp',
      'a/notes.txt',
      'a/b/rows.csv',
      '.hidden/h.jpg',
      '.dot.jpg',
    ]) {
      writeFileSync(join(dir, 'photos', name), 'x');
    }
  });

  it('a folder: every image under it, recursively, named relative to it; hidden names left out', async () => {
    const source = await openInputs(join(dir, 'photos'), images, stores);
    expect(source.kind).toBe('folder');
    expect(await all(source)).toEqual([
      { uri: join(dir, 'photos', 'a', 'b', 'z.webp'), name: 'a/b/z.webp' },
      { uri: join(dir, 'photos', 'a', 'y.PNG'), name: 'a/y.PNG' },
      { uri: join(dir, 'photos', 'x.jpg'), name: 'x.jpg' },
    ]);
  });

  it('a folder for a tabular rocket: its rows files', async () => {
    const source = await openInputs(
      join(dir, 'photos'),
      { ...images, accept: inputFilter('rows', false) },
      stores,
    );
    expect((await all(source)).map((i) => i.name)).toEqual(['a/b/rows.csv']);
  });

  it('a glob: every file it matches, named below its fixed folders', async () => {
    const source = await openInputs(join(dir, 'photos', '**', '*.{jpg,webp,txt}'), images, stores);
    expect(source.kind).toBe('glob');
    expect((await all(source)).map((i) => i.name)).toEqual(['a/b/z.webp', 'a/notes.txt', 'x.jpg']);
  });

  it("leaves out the batch's own outputs when OUTPUT is inside INPUT", async () => {
    const out = join(dir, 'photos', 'out');
    mkdirSync(join(out, 'images', 'a'), { recursive: true });
    mkdirSync(join(out, '_partial', 'results-0-of-1'), { recursive: true });
    for (const name of [
      'images/a/y.PNG',
      'results-0-of-1.jsonl',
      '_partial/results-0-of-1/part-000001.jsonl',
      'kept.jpg',
    ]) {
      writeFileSync(join(out, name), 'x');
    }
    const filters = { accept: inputFilter('rows', false), isOutput: ownOutputs(out) };
    const rows = await all(await openInputs(join(dir, 'photos'), filters, stores));
    expect(rows.map((i) => i.name)).toEqual(['a/b/rows.csv']);
    const found = await all(
      await openInputs(join(dir, 'photos'), { ...images, isOutput: ownOutputs(out) }, stores),
    );
    expect(found.map((i) => i.name)).toEqual(['a/b/z.webp', 'a/y.PNG', 'out/kept.jpg', 'x.jpg']);
    const globbed = await openInputs(
      join(dir, 'photos', '**', '*.PNG'),
      { ...images, isOutput: ownOutputs(out) },
      stores,
    );
    expect((await all(globbed)).map((i) => i.name)).toEqual(['a/y.PNG']);
    expect(ownOutputs('gs://bkt/photos/out')('gs://bkt/photos/out/images/a.jpg')).toBe(true);
    expect(ownOutputs('gs://bkt/photos/out')('gs://bkt/photos/a.jpg')).toBe(false);
    rmSync(out, { recursive: true });
  });

  it('a listing file: text lines and JSON Lines, comments and blank lines skipped', async () => {
    const list = join(dir, 'inputs.txt');
    writeFileSync(
      list,
      [
        '# the photos',
        'gs://bkt/a/1.jpg',
        '',
        '  s3://bkt/b/2.png  ',
        '{"uri": "/data/3.jpg", "id": 7}',
        '"https://h.example/4.jpg?sig=x"',
      ].join('\n'),
    );
    const source = await openInputs(list, images, stores);
    expect(source.kind).toBe('listing');
    expect(await all(source)).toEqual([
      { uri: '/data/3.jpg', name: 'data/3.jpg' },
      { uri: 'gs://bkt/a/1.jpg', name: 'bkt/a/1.jpg' },
      { uri: 'https://h.example/4.jpg?sig=x', name: 'h.example/4.jpg' },
      { uri: 's3://bkt/b/2.png', name: 'bkt/b/2.png' },
    ]);
  });

  it('a listing line that is JSON without a URI names its line', async () => {
    const list = join(dir, 'bad.jsonl');
    writeFileSync(list, '{"uri": "a.jpg"}\n{"path": "b.jpg"}\n');
    const source = await openInputs(list, images, stores);
    await expect(all(source)).rejects.toThrow(`for line 2 of ${list} but received {"path": "b.jpg"}`);
  });

  it('an input that is none of these fails at once', async () => {
    await expect(openInputs(join(dir, 'absent'), images, stores)).rejects.toMatchObject({
      code: 'INPUT_UNREADABLE',
      message: expect.stringMatching(/does not exist/),
    });
    await expect(openInputs('ftp://host/x', images, stores)).rejects.toThrow(/Expected a local path/);
  });
});

describe('batch output names', () => {
  it.each([
    ['../../etc/passwd.jpg', 'etc/passwd.jpg'],
    ['a//./b/../c.png', 'a/b/c.png'],
  ])('%s stays inside the output as %s', (name, safe) => {
    expect(safeName(name)).toBe(safe);
  });

  it('names a listed URI by its path, without scheme or query', () => {
    expect(nameOfUri('gs://bkt/a/../x.jpg')).toBe('bkt/a/x.jpg');
    expect(nameOfUri('file:///srv/x.jpg')).toBe('srv/x.jpg');
  });

  it('keeps an image name whose extension is its format, else adds the format', () => {
    expect(imageName('a/photo.JPG', 'image/jpeg')).toBe('images/a/photo.JPG');
    expect(imageName('a/photo.png', 'image/jpeg')).toBe('images/a/photo.png.jpg');
    expect(imageName('cat.jpg', 'image/png')).toBe('images/cat.jpg.png');
  });
});
