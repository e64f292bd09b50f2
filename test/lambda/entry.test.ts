import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { ROOT } from '../helpers/server.js';
import { fixture } from './fixture.js';

/**
 * What Lambda's runtime interface client does with `CMD ["dist/bundle/lambda.handler"]`: import the
 * module during the init phase (AWS_LAMBDA_FUNCTION_NAME set), then call `handler` once per event.
 */
const INVOKE = `
import { readFileSync } from 'node:fs';
const { handler } = await import(process.env.ENTRY);
const events = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const event of events) {
  const { statusCode, headers, body } = await handler(event);
  results.push({ statusCode, contentType: headers['content-type'], body });
}
console.log(JSON.stringify(results));
process.exit(0);
`;

describe('the bundled Lambda entry point (Dockerfile.lambda CMD)', () => {
  it('serves the demo rocket: health, then a raw image event with its query string', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'lambda-entry-'));
    try {
      const image = await renderDemoScene(demoScenes.near);
      const events = [fixture('function-url-get-health'), fixture('http-api-v2-raw-image', image)];
      writeFileSync(join(cache, 'invoke.mjs'), INVOKE);
      const r = spawnSync(process.execPath, [join(cache, 'invoke.mjs')], {
        cwd: cache,
        input: JSON.stringify(events),
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          ENTRY: join(ROOT, 'dist', 'bundle', 'lambda.js'),
          AWS_LAMBDA_FUNCTION_NAME: 'rocketserve-test',
          WORKERS: '1',
          CACHE_DIR: cache,
          LOG_LEVEL: 'error',
        },
      });
      expect(r.status, r.stderr).toBe(0);
      const [health, processed] = JSON.parse(r.stdout);
      expect(health.statusCode).toBe(200);
      expect(processed.statusCode).toBe(200);
      expect(processed.contentType).toContain('application/json');
      const json = JSON.parse(processed.body);
      expect(json.image).toEqual({ width: 640, height: 480 });
      expect(json.detections).toHaveLength(2); // maxDetections=2 from the event's query string
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
