// Helpers for scripts/test-container.mjs: assertions, HTTP against the served image, and finding
// the server process that `buildah run` started (to read its uid and stop it by its own pid).
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Prints a passed check, or throws with its description. */
export function check(ok, description) {
  if (!ok) throw new Error(`check failed: ${description}`);
  console.log(`  ok  ${description}`);
}

/** A TCP port that was free a moment ago (buildah run shares this machine's network). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls /health until 200; rejects with the server output if the process exits or 180 s pass. */
export async function waitForHealth(url, exited, output) {
  const deadline = Date.now() + 180_000;
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server exited before it was ready:\n${output().slice(-3000)}`);
    const res = await fetch(`${url}/health`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`/health never answered 200:\n${output().slice(-3000)}`);
}

/** POSTs an image as the multipart `input` part (curl -F input=@file) and returns the JSON. */
export async function postImage(url, bytes, filename) {
  const form = new FormData();
  form.append('input', new Blob([bytes], { type: 'image/jpeg' }), filename);
  const res = await fetch(`${url}/process`, { method: 'POST', body: form });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`POST /process answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

function childrenOf() {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** The `node dist/bundle/cli.js serve` process below the `buildah run` process `rootPid`, if any. */
export function serverPid(rootPid) {
  const children = childrenOf();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    for (const child of children.get(pid) ?? []) {
      try {
        const cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
        if (cmd[0]?.endsWith('node') && cmd.includes('serve')) return child;
      } catch {
        continue;
      }
      queue.push(child);
    }
  }
  return undefined;
}

/** The real uid of a process, from /proc. */
export function processUid(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}
