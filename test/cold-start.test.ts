import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/server.js';

/**
 * Runs a hot function during a cold start and after it, in a fresh Node with `nodeOptions`, and
 * says whether V8 had optimized it each time (%GetOptimizationStatus's "optimized" bit).
 */
function optimizedDuringAndAfter(nodeOptions: string[] = []): { during: boolean; after: boolean } {
  const coldStart = pathToFileURL(join(ROOT, 'dist', 'src', 'cold-start.js')).href;
  const script = join(mkdtempSync(join(tmpdir(), 'cold-start-')), 'tiering.mjs');
  writeFileSync(
    script,
    `import { beginColdStart, endColdStart } from ${JSON.stringify(coldStart)};
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
const optimized = () => (%GetOptimizationStatus(hot) & 16) !== 0;
const run = async () => { for (let i = 0; i < 2000; i++) hot(1000); await new Promise((r) => setTimeout(r, 100)); };
beginColdStart();
await run();
const during = optimized();
endColdStart();
await run();
console.log(JSON.stringify({ during, after: optimized() }));
`,
  );
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', ...nodeOptions, script], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('the cold start', () => {
  it('keeps V8 from optimizing until it ends, then optimizes hot code again', () => {
    expect(optimizedDuringAndAfter()).toEqual({ during: false, after: true });
  });

  it('leaves the tiering flags a user started Node with', () => {
    expect(optimizedDuringAndAfter(['--no-turbofan'])).toEqual({ during: false, after: false });
  });
});
