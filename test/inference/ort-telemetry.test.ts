// onnxruntime's telemetry stays off: a rocket run leaves no event store in its HOME and no
// /tmp/mat-debug-<pid>.log, unless ORT_DISABLE_TELEMETRY=0 lets it run (which shows the test sees it).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { runCli } from '../commands/run-cli.js';

/** Runs `rocket predict` on the demo rocket with a HOME of its own; says what telemetry left. */
async function predictLeaves(env: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'ort-home-'));
  const scene = join(home, 'shapes.png');
  writeFileSync(scene, await renderDemoScene(demoScenes.shapes, { format: 'png' }));
  const run = await runCli(['predict', scene], { HOME: home, ...env });
  expect(run.code, run.stderr).toBe(0);
  const debugLog = `/tmp/mat-debug-${run.pid}.log`;
  const left = {
    store: existsSync(join(home, '.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime')),
    debugLog: existsSync(debugLog),
  };
  rmSync(debugLog, { force: true });
  return left;
}

describe("onnxruntime's telemetry", () => {
  it('is off by default: no event store, no debug log', async () => {
    expect(await predictLeaves({})).toEqual({ store: false, debugLog: false });
  });

  it('runs when ORT_DISABLE_TELEMETRY=0 asks for it', async () => {
    expect(await predictLeaves({ ORT_DISABLE_TELEMETRY: '0' })).toEqual({ store: true, debugLog: true });
  });
});
