// Vitest's global setup: the run's own temporary folder, removed when the run ends. Tests and the
// processes they start take it from TMPDIR (os.tmpdir()), so what a test leaves behind goes with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'rocketserve-test-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
