import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RocketError } from '../../src/errors.js';
import { checkEntries, locateRocket, unpackArchive } from '../../src/rocket/archive.js';
import { loadRocketSpec } from '../../src/rocket/load.js';
import { resolveRocketUrl } from '../../src/rocket/resolve.js';
import { buildColourClassifier } from '../helpers/models.js';
import { cacheContext, cacheListing, type FakeServer, startFake, staticFiles } from './fakes.js';
import { craftTarGz, type TarEntry } from './tarball.js';

const model = Buffer.from(buildColourClassifier());
const manifest = (extra: object = {}) =>
  JSON.stringify({ name: 'colour', model: 'colour.onnx', task: 'classify', ...extra });

/** A scratch directory with `box/` to unpack into, so anything landing beside it is visible. */
async function scratch(): Promise<{ root: string; dest: string; file: string }> {
  const root = await mkdtemp(join(tmpdir(), 'rocket-archive-'));
  return { root, dest: join(root, 'box', 'content'), file: join(root, 'rocket.tar.gz') };
}

async function unpack(entries: TarEntry[], maxBytes = 1 << 20) {
  const s = await scratch();
  writeFileSync(s.file, craftTarGz(entries));
  let error: RocketError | undefined;
  try {
    await unpackArchive(s.file, s.dest, 'https://example.test/rocket.tar.gz', maxBytes);
  } catch (err) {
    error = err as RocketError;
  }
  return { ...s, error };
}

describe('unpacking rocket archives', () => {
  it('unpacks files, directories and links that stay inside, and finds the rocket', async () => {
    const { dest, error } = await unpack([
      { path: 'rocket.json', data: manifest({ model: 'current.onnx', labels: 'meta/labels.txt' }) },
      { path: 'colour.onnx', data: model },
      { path: 'current.onnx', type: 'symlink', linkpath: 'colour.onnx' },
      { path: 'meta/', type: 'dir' },
      { path: 'meta/labels.txt', data: 'red\ngreen\nblue\n' },
      { path: 'meta/again.onnx', type: 'hardlink', linkpath: 'colour.onnx' },
    ]);
    expect(error).toBeUndefined();
    expect(lstatSync(join(dest, 'current.onnx')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dest, 'meta', 'again.onnx')).equals(model)).toBe(true);
    const dir = await locateRocket(dest, 'x');
    expect(dir).toBe(dest);
    expect((await loadRocketSpec(dir, true)).labels).toEqual(['red', 'green', 'blue']);
  });

  it.each<[string, TarEntry[], RegExp]>([
    ['an absolute path', [{ path: '/tmp/rocket-escape-abs/x.txt', data: 'x' }], /outside the rocket/],
    ['a .. path', [{ path: '../../escape.txt', data: 'x' }], /outside the rocket/],
    ['a .. inside a path', [{ path: 'a/../../../escape.txt', data: 'x' }], /outside the rocket/],
    ['a symlink to an absolute path', [{ path: 'evil', type: 'symlink', linkpath: '/etc' }], /symbolic link/],
    ['a symlink up and out', [{ path: 'a/evil', type: 'symlink', linkpath: '../../..' }], /symbolic link/],
    ['a hard link out', [{ path: 'h', type: 'hardlink', linkpath: '../../escape.txt' }], /hard link/],
    [
      'a file written through a symlink',
      [
        { path: 'sub', type: 'symlink', linkpath: '.' },
        { path: 'sub/x.txt', data: 'x' },
      ],
      /through a symbolic link/,
    ],
    [
      'a hard link through a symlink',
      [
        { path: 'up', type: 'symlink', linkpath: '.' },
        { path: 'h', type: 'hardlink', linkpath: 'up/colour.onnx' },
      ],
      /hard link/,
    ],
    ['a FIFO', [{ path: 'pipe', type: 'fifo' }], /FIFO/],
    ['a device', [{ path: 'dev', type: 'chardev' }], /CharacterDevice/],
  ])('rejects %s before writing anything', async (_, entries, why) => {
    const { root, dest, error } = await unpack(entries);
    expect(error?.code).toBe('ROCKET_ARCHIVE_INVALID');
    expect(error?.message).toMatch(why);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(join(root, 'escape.txt'))).toBe(false);
    expect(existsSync('/tmp/rocket-escape-abs')).toBe(false);
  });

  it('rejects links that escape only once resolved on disk (s -> ., t -> s/..)', async () => {
    const { error } = await unpack([
      { path: 's', type: 'symlink', linkpath: '.' },
      { path: 't', type: 'symlink', linkpath: 's/..' },
    ]);
    expect(error?.code).toBe('ROCKET_ARCHIVE_INVALID');
    expect(error?.message).toMatch(/symbolic link t points outside/);
  });

  it('rejects archives that unpack to more than MAX_ROCKET_BYTES', async () => {
    const { error } = await unpack([{ path: 'big.bin', data: Buffer.alloc(5000) }], 4096);
    expect(error?.message).toMatch(/5000 bytes unpacked.*MAX_ROCKET_BYTES/);
  });

  it('rejects a truncated archive', async () => {
    const s = await scratch();
    const whole = craftTarGz([{ path: 'colour.onnx', data: model }]);
    writeFileSync(s.file, whole.subarray(0, whole.length - 40));
    const err = await unpackArchive(s.file, s.dest, 'u', 1 << 20).catch((e: RocketError) => e);
    expect((err as RocketError).code).toBe('ROCKET_ARCHIVE_INVALID');
  });

  it('needs rocket.json or exactly one .onnx, and keeps the manifest paths inside', async () => {
    const s = await scratch();
    mkdirSync(s.dest, { recursive: true });
    writeFileSync(join(s.dest, 'a.onnx'), model);
    writeFileSync(join(s.dest, 'b.onnx'), model);
    await expect(locateRocket(s.dest, 'u')).rejects.toMatchObject({ code: 'ROCKET_ARCHIVE_INVALID' });
    writeFileSync(join(s.dest, 'rocket.json'), manifest({ model: '../outside.onnx' }));
    await expect(locateRocket(s.dest, 'u')).rejects.toThrow(/"..\/outside.onnx", which is outside/);
    const one = await scratch();
    mkdirSync(join(one.dest, 'inner'), { recursive: true });
    writeFileSync(join(one.dest, 'inner', 'rocket.json'), manifest());
    expect(await locateRocket(one.dest, 'u')).toBe(join(one.dest, 'inner'));
  });

  it('checkEntries lists every problem at once', () => {
    const problems = checkEntries(
      [
        { path: '/abs', type: 'File', size: 1 },
        { path: 'ok.txt', type: 'File', size: 1 },
        { path: 'l', type: 'SymbolicLink', linkpath: '../x', size: 0 },
      ],
      1024,
    );
    expect(problems).toHaveLength(2);
    expect(checkEntries([{ path: 'C:\\x', type: 'File', size: 1 }], 10)).toHaveLength(1);
  });
});

describe('a crafted archive served over http', () => {
  let server: FakeServer;
  beforeAll(async () => {
    const evil = craftTarGz([
      { path: 'rocket.json', data: manifest() },
      { path: 'colour.onnx', data: model },
      { path: '../../../../escape-from-cache.txt', data: 'pwned' },
    ]);
    server = await startFake(staticFiles({ '/evil/rocket.tar.gz': evil }));
  });
  afterAll(() => server?.close());

  it('fails startup with ROCKET_ARCHIVE_INVALID and leaves no cache entry', async () => {
    const ctx = cacheContext();
    const err = await resolveRocketUrl(`${server.url}/evil/rocket.tar.gz`, ctx).catch((e: RocketError) => e);
    expect((err as RocketError).code).toBe('ROCKET_ARCHIVE_INVALID');
    expect((err as RocketError).message).toContain(`${server.url}/evil/rocket.tar.gz`);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
    expect(existsSync(join(ctx.cacheDir, '..', 'escape-from-cache.txt'))).toBe(false);
  });
});
