import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  // npx links a checkout's bin into its cache once per checkout path and never relinks it, so a cache
  // made before the bin moved would run the old file. An empty cache is what a new user has.
  it('`npx rocket` in the checkout runs this package (its bin, dist/bundle/cli.js), offline', () => {
    const cache = mkdtempSync(join(tmpdir(), 'npx-cache-'));
    try {
      const env = { ...process.env, npm_config_cache: cache, npm_config_offline: 'true' };
      const r = spawnSync('npx', ['--no-install', 'rocket', '--version'], {
        cwd: ROOT,
        encoding: 'utf8',
        env,
      });
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(version);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
