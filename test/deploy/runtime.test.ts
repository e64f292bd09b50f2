import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

/** The Node majors an `engines` range of the form `^20.11 || ^24` admits. */
const engineMajors = (range: string) =>
  range.split('||').map((part) => Number(/^\s*\^(\d+)/.exec(part)?.[1]));

/** The Node major a base image tag names (node:24-bookworm-slim, public.ecr.aws/lambda/nodejs:24). */
const imageMajor = (file: string, arg: string) =>
  Number(new RegExp(`^ARG ${arg}=\\S*node(?:js)?:(\\d+)`, 'm').exec(read(file))?.[1]);

describe('the Node.js runtime', () => {
  const images = [
    ['Dockerfile', 'BUILD_IMAGE'],
    ['Dockerfile', 'RUNTIME_IMAGE'],
    ['Dockerfile.gpu', 'BUILD_IMAGE'],
    ['Dockerfile.gpu', 'NODE_IMAGE'],
    ['Dockerfile.lambda', 'LAMBDA_IMAGE'],
  ] as const;

  it('every image is built on Node.js 24 LTS', () => {
    for (const [file, arg] of images)
      expect(`${file} ${arg} ${imageMajor(file, arg)}`).toBe(`${file} ${arg} 24`);
  });

  it('engines admits exactly what is tested: the suite on Node 20, the images on Node 24', () => {
    expect(pkg.engines.node).toMatch(/^\^\d+\.\d+( \|\| \^\d+)*$/);
    const majors = engineMajors(pkg.engines.node);
    expect(majors).toContain(Number(process.versions.node.split('.')[0]));
    expect(majors).toContain(imageMajor('Dockerfile', 'RUNTIME_IMAGE'));
    expect(majors).toEqual([20, 24]);
  });
});

describe('allowScripts (npm install-script policy)', () => {
  const withScripts = [
    ...new Set(
      Object.entries(lock.packages)
        .filter(([, p]) => p.hasInstallScript)
        .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    ),
  ].sort();

  it('covers every package in package-lock.json with an install script, and nothing else', () => {
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(withScripts);
  });

  it("allows only esbuild's and better-sqlite3's (a platform binary; the job store's addon, built from its sources)", () => {
    const allowed = Object.keys(pkg.allowScripts).filter((name) => pkg.allowScripts[name]);
    expect(allowed.sort()).toEqual(['better-sqlite3', 'esbuild']);
    // usage reports only; a version-scheme warning; the CUDA provider download Dockerfile.gpu runs itself
    for (const denied of ['@scarf/scarf', 'onnxruntime-node']) expect(pkg.allowScripts[denied]).toBe(false);
  });

  // npm before allowScripts (npm 10, with Node 20) has no such command: nothing to ask it then.
  const listed = spawnSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8' });
  it.runIf(!/unknown command/i.test(listed.stderr))(
    'npm finds no unreviewed install script in the installed tree',
    () => {
      const r = listed;
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('No packages with unreviewed install scripts');
    },
  );
});
