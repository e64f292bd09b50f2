import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StoreOwner } from './types.js';

/**
 * The sha256 (hex) of a model file, read as a stream: the event loop hashes one 64 KiB chunk at a
 * time, so probes and requests are answered meanwhile. Computed after the rocket is ready, never
 * on the cold-start path.
 */
export async function modelSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Where the SQLite job store lives: DATA_DIR when set, else a folder of this rocket's own under
 * ~/.local/share/rocketserve/jobs, named after the rocket and the first 12 hex digits of its
 * model's sha256, so switching rockets on one machine never meets another rocket's store.
 */
export function jobsDataDir(dataDir: string, owner: StoreOwner, home = homedir()): string {
  if (dataDir) return dataDir;
  const name = owner.rocket.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'rocket';
  return join(home, '.local', 'share', 'rocketserve', 'jobs', `${name}-${owner.modelSha256.slice(0, 12)}`);
}
