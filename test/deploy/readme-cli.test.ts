import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The lines of the README's sh code blocks. */
const shLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] as string).split('\n'));

describe('the rocket command in the README', () => {
  it('says how `rocket` gets on the PATH', () => {
    expect(readme).toContain('npx rocket …');
    expect(readme).toContain('npm install -g .');
  });

  it('runs every example as `npx rocket`, never as a bare `rocket` that is not on the PATH', () => {
    const commands = shLines.filter((l) => /(^|[;&|]\s*)(npx )?rocket\s/.test(l));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) expect(line).not.toMatch(/(^|[;&|]\s*)rocket\s/);
  });

  it('`npx rocket` in the checkout runs this package (its bin, dist/bundle/cli.js), offline', () => {
    const r = spawnSync('npx', ['--no-install', 'rocket', '--version'], { cwd: ROOT, encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(version);
  });
});
