import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json } from '../helpers/http.js';
import { ROOT, useServer } from '../helpers/server.js';

/** The examples of a Markdown file: each fenced block right after `<!-- example: NAME -->`. */
function examples(file: string): Map<string, { lang: string; code: string }> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = new Map<string, { lang: string; code: string }>();
  for (const m of text.matchAll(/<!-- example: ([\w-]+) -->\n```(\w+)\n([\s\S]*?)```/g)) {
    found.set(m[1] as string, { lang: m[2] as string, code: m[3] as string });
  }
  return found;
}

const readme = examples('README.md');
const api = examples('docs/api.md');
const hasCurl = spawnSync('curl', ['--version']).status === 0;
const hasRequests = spawnSync('python3', ['-c', 'import requests']).status === 0;
if (!hasCurl) console.warn('Skipping the curl examples: curl is not installed');
if (!hasRequests) console.warn('Skipping the Python examples: python3 with requests is not installed');

describe('client examples in README.md and docs/api.md', () => {
  const server = useServer('npm start server');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rocket-examples-'));
  });

  /** Runs an example as written, pointed at the test server instead of localhost:5042. */
  function run(name: string): string {
    const example = api.get(name);
    if (!example) throw new Error(`docs/api.md has no example ${name}`);
    const code = example.code.replaceAll('localhost:5042', server().url.replace('http://', ''));
    const file = join(dir, `${name}.${{ sh: 'sh', python: 'py', js: 'mjs' }[example.lang]}`);
    writeFileSync(file, code);
    const command = { sh: ['bash', [file]], python: ['python3', [file]], js: [process.execPath, [file]] }[
      example.lang
    ] as [string, string[]];
    const result = spawnSync(command[0], command[1], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    if (example.lang !== 'sh') expect(result.stderr).toBe(''); // curl writes its progress meter there
    expect(result.status).toBe(0);
    return result.stdout;
  }

  it('has each example in docs/api.md, and the README copies them unchanged', () => {
    expect([...api.keys()].sort()).toEqual(
      [
        'curl-process',
        'curl-v2-metadata',
        'js-process',
        'js-v2-infer',
        'python-process',
        'python-v2-infer',
      ].sort(),
    );
    for (const [name, example] of readme) expect([name, example]).toEqual([name, api.get(name)]);
    expect([...readme.keys()]).toEqual(
      expect.arrayContaining(['curl-process', 'python-process', 'js-process', 'js-v2-infer']),
    );
  });

  it.skipIf(!hasCurl)('curl: /process and v2 model metadata (as docs/api.md shows it)', async () => {
    const processed = JSON.parse(run('curl-process'));
    expect(processed.detections.map((d: { label: string }) => d.label).sort()).toEqual([
      'blue',
      'green',
      'red',
    ]);
    const metadata = JSON.parse(run('curl-v2-metadata'));
    expect(metadata).toEqual(await json(await fetch(`${server().url}/v2/models/demo-detector`)));
    const documented = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8').match(
      /## Open Inference Protocol \(v2\)[\s\S]*?```json\n([\s\S]*?)```/,
    )?.[1];
    expect(JSON.parse(documented ?? '')).toEqual(metadata);
  });

  it('JavaScript fetch: /process, then a v2 JSON infer', async () => {
    const [output] = (await json(await fetch(`${server().url}/v2/models/demo-detector`))).outputs;
    const lines = run('js-process').trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['blue', 'green', 'red']);
    expect(lines[0]).toMatch(/^\w+ [\d.]+ \{ x1: [\d.]+, y1: [\d.]+, x2: [\d.]+, y2: [\d.]+ \}$/);
    expect(run('js-v2-infer').trim()).toBe(`grey-1 output0 FP32 ${JSON.stringify(output.shape)}`);
  });

  it.skipIf(!hasRequests)('Python requests: /process, then a v2 JSON infer', async () => {
    const [output] = (await json(await fetch(`${server().url}/v2/models/demo-detector`))).outputs;
    const lines = run('python-process').trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['blue', 'green', 'red']);
    expect(lines[0]).toMatch(/^\w+ [\d.]+ \{'x1': [\d.]+, 'y1': [\d.]+, 'x2': [\d.]+, 'y2': [\d.]+\}$/);
    expect(run('python-v2-infer').trim()).toBe(`grey-1 output0 FP32 [${output.shape.join(', ')}]`);
  });
});
