import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';

interface Step {
  name: string;
  command: string[];
  inputs: string[];
  outputs: string[];
}
const { STEPS, buildIfStale, staleReason } = (await import(
  pathToFileURL(join(ROOT, 'scripts', 'build-if-stale.mjs')).href
)) as {
  STEPS: Step[];
  buildIfStale(root: string, steps?: Step[], log?: (line: string) => void): number;
  staleReason(root: string, step: Step): string | undefined;
};

/** A step whose command copies src/a.txt to out/a.txt and counts its runs in runs.txt. */
const COPY: Step = {
  name: 'copy',
  command: [
    process.execPath,
    '-e',
    "const f=require('fs');f.mkdirSync('out',{recursive:true});f.copyFileSync('src/a.txt','out/a.txt');f.appendFileSync('runs.txt','x')",
  ],
  inputs: ['src'],
  outputs: ['out/a.txt'],
};

let root: string;
const runs = () =>
  existsSync(join(root, 'runs.txt')) ? readFileSync(join(root, 'runs.txt'), 'utf8').length : 0;
/** Sets a file's mtime `seconds` from now (mtimes, not sleeps, order the edits). */
const age = (file: string, seconds: number) => {
  const t = new Date(Date.now() + seconds * 1000);
  utimesSync(join(root, file), t, t);
};
const build = () => {
  const lines: string[] = [];
  const code = buildIfStale(root, [COPY], (l) => lines.push(l));
  return { code, lines };
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'build-if-stale-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'a.txt'), 'one');
  age('src/a.txt', -60);
});

describe('scripts/build-if-stale.mjs (npm start builds only what is out of date)', () => {
  it('builds a step once, then reports it up to date without running it again', () => {
    expect(build()).toEqual({
      code: 0,
      lines: [expect.stringContaining('copy: not built by this script yet')],
    });
    expect(runs()).toBe(1);
    expect(staleReason(root, COPY)).toBeUndefined();
    expect(build().lines).toEqual(['build-if-stale: copy up to date']);
    expect(runs()).toBe(1);
  });

  it('rebuilds when an input is newer than the last build', () => {
    build();
    writeFileSync(join(root, 'src', 'a.txt'), 'two');
    age('src/a.txt', 60);
    expect(staleReason(root, COPY)).toBe(`${join('src', 'a.txt')} changed`);
    build();
    expect(runs()).toBe(2);
    expect(readFileSync(join(root, 'out', 'a.txt'), 'utf8')).toBe('two');
  });

  it('rebuilds when an output is missing, or an input file was added or removed', () => {
    build();
    rmSync(join(root, 'out', 'a.txt'));
    expect(staleReason(root, COPY)).toBe('out/a.txt is missing');
    build();
    writeFileSync(join(root, 'src', 'b.txt'), 'old file, new here');
    age('src/b.txt', -3600);
    expect(staleReason(root, COPY)).toBe('input files were added or removed');
    build();
    expect(runs()).toBe(3);
    expect(staleReason(root, COPY)).toBeUndefined();
  });

  it('a failed step stays stale and stops the build with its exit status', () => {
    const failing: Step = { ...COPY, command: [process.execPath, '-e', 'process.exit(3)'] };
    expect(buildIfStale(root, [failing, COPY], () => {})).toBe(3);
    expect(staleReason(root, failing)).toBe('not built by this script yet');
    expect(runs()).toBe(0);
  });

  it('covers the steps of `npm run build`, in its order, each through its npm script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const order = [...pkg.scripts.build.matchAll(/npm run (\S+)/g)].map((m) => m[1]);
    expect(STEPS.map((s) => s.command.join(' '))).toEqual(order.map((s) => `npm run ${s}`));
    expect(pkg.scripts.prestart).toBe('node scripts/build-if-stale.mjs');
    for (const step of STEPS)
      for (const input of step.inputs) expect(existsSync(join(ROOT, input))).toBe(true);
  });
});
