// Vitest's global setup: the run's own temporary folder, removed when the run ends. Tests and the
// processes they start take it from TMPDIR (os.tmpdir()), so what a test leaves behind goes with it.
// Sessions the tests create in their own processes send no onnxruntime telemetry either (the
// servers and CLIs they start turn it off themselves: test/inference/ort-telemetry.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'rocketserve-test-'));
  process.env.TMPDIR = dir;
  process.env.ORT_DISABLE_TELEMETRY = '1';
  // Downloaded rockets and onnxruntime's optimized copies of models go to the run's folder too.
  process.env.CACHE_DIR = join(dir, 'cache');
  return () => rmSync(dir, { recursive: true, force: true });
}
