// Smoke test run INSIDE a rocketserve image (cwd /app), e.g. by cloudbuild.yaml:
//   docker exec -i CONTAINER node --input-type=module - < scripts/smoke-image.mjs
// Waits up to 120 s for /health to answer 200, then POSTs the baked demo image build/demo/shapes.jpg
// to /process and expects the demo rocket's three boxes (red, green, blue). Exits 1 on any failure.
// With a rocket baked in, set SMOKE_EXPECT_ANY=1 to accept any 200 detection response instead.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '/app/dist/src/config/load.js';

const { PORT, HOST } = loadConfig();
const wildcard = HOST === '0.0.0.0' || HOST === '::';
const host = wildcard ? '127.0.0.1' : HOST.includes(':') ? `[${HOST}]` : HOST;
const base = `http://${host}:${PORT}`;

async function waitForHealth() {
  const deadline = Date.now() + 120_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/health`);
      if (res.status === 200) return res.json();
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`/health did not answer 200 within 120 s (last: ${last})`);
}

try {
  const health = await waitForHealth();
  console.log(`/health: ${JSON.stringify(health)}`);
  const form = new FormData();
  form.append('input', new Blob([await readFile('/app/build/demo/shapes.jpg')], { type: 'image/jpeg' }), 'shapes.jpg');
  const res = await fetch(`${base}/process`, { method: 'POST', body: form });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`POST /process answered ${res.status}: ${JSON.stringify(body)}`);
  const labels = (body.detections ?? []).map((d) => d.label).sort().join(',');
  console.log(`/process: ${labels} in ${body.timing?.totalMs} ms`);
  if (!process.env.SMOKE_EXPECT_ANY && labels !== 'blue,green,red') {
    throw new Error(`expected the demo rocket's red, green and blue boxes, got "${labels}"`);
  }
  console.log('smoke test passed');
} catch (err) {
  console.error(`smoke test failed: ${err.message}`);
  process.exit(1);
}
