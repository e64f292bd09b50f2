import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_OPTIONS } from '../../src/commands/batch.js';
import { COMMANDS } from '../../src/commands/index.js';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { writeDemoRegressionRocket } from '../../src/demo/regression.js';
import { runCli } from '../commands/run-cli.js';
import { json, postImage } from '../helpers/http.js';
import { writeColourRocket } from '../helpers/models.js';
import { useServer } from '../helpers/server.js';
import { byInput, type Line, readLines, resultsFiles, withoutTiming, writeColourImages } from './helpers.js';

const rocket = writeColourRocket();
const PHOTOS = 24;

describe('rocket batch', () => {
  let dir: string;
  let photos: string;
  let clean: string;
  let colours: Map<string, string>;
  const server = useServer('npm start server', { ROCKET_URL: rocket });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rocket-batch-cli-'));
    photos = join(dir, 'photos');
    clean = join(dir, 'clean');
    colours = await writeColourImages(photos, PHOTOS);
    await writeColourImages(clean, 6);
    const png = readFileSync([...colours.keys()][0] as string);
    writeFileSync(join(photos, 'truncated.png'), png.subarray(0, 60));
    writeFileSync(join(photos, 'd1', 'text.jpg'), 'not an image at all');
    writeFileSync(join(photos, 'empty.png'), '');
    writeFileSync(join(photos, 'notes.txt'), 'not an input: not an image name');
  });

  const batch = (args: string[], env: Record<string, string> = {}) =>
    runCli(['batch', ...args, '--rocket', rocket], env);

  it('--help documents every option, and rocket --help lists batch', async () => {
    const help = await runCli(['batch', '--help']);
    expect(help.code).toBe(0);
    for (const option of Object.keys(BATCH_OPTIONS)) expect(help.stdout).toContain(`--${option} `);
    for (const name of [
      'CLOUD_RUN_TASK_INDEX',
      'CLOUD_RUN_TASK_COUNT',
      'JOB_COMPLETION_INDEX',
      'JOB_COMPLETIONS',
    ]) {
      expect(help.stdout).toContain(name);
    }
    expect(help.stdout).toMatch(/Exit status: 0 .*; 3 /);
    expect(COMMANDS.batch?.summary).toBeTruthy();
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}batch +Run a folder/m);
  });

  it.each([
    [['batch'], 'Expected one input'],
    [['batch', 'in'], 'Expected --out <output>'],
    [['batch', 'in', 'out'], 'Expected one input'],
    [['batch', 'in', '--out', 'o', '--shard', '3/3'], 'I/N with 0 <= I < N for --shard but received "3/3"'],
    [
      ['batch', 'in', '--out', 'o', '--concurrency', '0'],
      'Expected an integer from 1 to 4096 for --concurrency',
    ],
    [['batch', 'in', '--out', 'o', '--max-failures', '-1'], "Option '--max-failures' argument is ambiguous"],
    [['batch', 'in', '--out', 'o', '--progress-every', 'often'], 'Expected a number of seconds above 0'],
    [['batch', 'in', '--out', 'o', '--bogus'], "Unknown option '--bogus'"],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: rocket batch');
  });

  it('JOB_COMPLETION_INDEX without a count is a usage error', async () => {
    const run = await runCli(['batch', 'in', '--out', 'o'], { JOB_COMPLETION_INDEX: '1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give --shards N or set JOB_COMPLETIONS');
  });

  it('a folder: a line per input equal to its /process JSON, errors for broken files, exit 3, a marker', async () => {
    const out = join(dir, 'out-all');
    const run = await batch([photos, '--out', out, '--progress-every', '0.01']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toBe(
      `Shard 0/1: skipped 0, done ${PHOTOS}, failed 3 in ${/in ([\d.]+) s/.exec(run.stdout)?.[1]} s (${/\(([\d.]+)\/s\)/.exec(run.stdout)?.[1]}/s); results in ${out}/results-0-of-1.jsonl\n`,
    );
    expect(resultsFiles(out)).toEqual(['results-0-of-1.jsonl']);
    const lines = readLines(join(out, 'results-0-of-1.jsonl'));
    expect(lines).toHaveLength(PHOTOS + 3);
    expect(new Set(lines.map((l) => l.input)).size).toBe(PHOTOS + 3);
    const failures = Object.fromEntries(
      lines.filter((l) => !l.ok).map((l) => [relative(photos, l.input), l.error?.code]),
    );
    expect(failures).toEqual({
      'truncated.png': 'IMAGE_UNDECODABLE',
      'd1/text.jpg': 'IMAGE_UNDECODABLE',
      'empty.png': 'EMPTY_INPUT',
    });
    for (const line of lines.filter((l) => l.ok)) {
      const predictions = line.result?.predictions as { label: string }[];
      expect(predictions[0]?.label, line.input).toBe(colours.get(line.input));
    }
    // The same as POST /process of the same file, timings aside.
    for (const line of lines.slice(0, 8)) {
      const res = await postImage(server().url, readFileSync(line.input));
      const body = await json(res);
      if (line.ok) expect(withoutTiming(line.result)).toEqual(withoutTiming(body));
      else expect(line.error?.code).toBe(body.error.code);
    }
    const marker = JSON.parse(readFileSync(join(out, '_SUCCESS-0-of-1'), 'utf8'));
    expect(marker).toMatchObject({
      shard: 0,
      shards: 1,
      shardFrom: 'none',
      rocket: { name: 'colour', version: '1.0.0' },
      total: PHOTOS + 3,
      skipped: 0,
      done: PHOTOS,
      failed: 3,
      failedInResults: 3,
    });
    for (const field of ['loadSeconds', 'runSeconds', 'perSecond', 'peakRssMiB']) {
      expect(marker[field]).toBeGreaterThan(0);
    }
    const logged = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const progress = logged.filter((l) => l.message === 'batch progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ severity: 'INFO', shard: '0/1', total: PHOTOS + 3 });
    expect(logged.find((l) => l.message === 'batch ended')).toMatchObject({ done: PHOTOS, failed: 3 });
  });

  it('exits 0 when every input succeeded, and 3 again on a re-run over earlier failures', async () => {
    const out = join(dir, 'out-clean');
    const run = await batch([clean, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('skipped 0, done 6, failed 0');
    const again = await batch([photos, '--out', join(dir, 'out-all')]);
    expect(again.code).toBe(3);
    expect(again.stdout).toContain(`skipped ${PHOTOS + 3} (3 failed in earlier runs), done 0, failed 0`);
  });

  it('3 shards, however numbered, cover every input exactly once, as one run does; a re-run does nothing new', async () => {
    const whole = byInput(readLines(join(dir, 'out-all', 'results-0-of-1.jsonl')));
    const out = join(dir, 'out-shards');
    const runs = await Promise.all([
      batch([photos, '--out', out, '--shard', '0/3']),
      batch([photos, '--out', out], { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '3' }),
      batch([photos, '--out', out], { JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '3' }),
    ]);
    for (const run of runs) expect([0, 3], run.stderr).toContain(run.code);
    expect(resultsFiles(out)).toEqual([
      'results-0-of-3.jsonl',
      'results-1-of-3.jsonl',
      'results-2-of-3.jsonl',
    ]);
    const shards = resultsFiles(out).map((f) => readLines(join(out, f)));
    for (const lines of shards) expect(lines.length).toBeGreaterThan(0);
    const all: Line[] = shards.flat();
    expect(all).toHaveLength(PHOTOS + 3);
    expect(byInput(all)).toEqual(whole);
    const markers = [0, 1, 2].map((i) => JSON.parse(readFileSync(join(out, `_SUCCESS-${i}-of-3`), 'utf8')));
    expect(markers.map((m) => m.shardFrom)).toEqual([
      '--shard',
      'CLOUD_RUN_TASK_INDEX',
      'JOB_COMPLETION_INDEX',
    ]);

    const before = readFileSync(join(out, 'results-1-of-3.jsonl'));
    const again = await batch([photos, '--out', out, '--shard', '1/3']);
    expect(again.stdout).toContain(`skipped ${shards[1]?.length}`);
    expect(again.stdout).toContain('done 0, failed 0');
    expect(readFileSync(join(out, 'results-1-of-3.jsonl')).equals(before)).toBe(true);
  });

  it('--max-failures stops early (exit 1, no marker); a re-run goes on from there', async () => {
    const out = join(dir, 'out-max');
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    for (let i = 0; i < 6; i++) writeFileSync(join(broken, `bad-${i}.jpg`), `not a jpeg ${i}`);
    const run = await batch([broken, '--out', out, '--max-failures', '1', '--concurrency', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Stopped after 2 failures (--max-failures 1); run again to go on');
    expect(existsSync(join(out, '_SUCCESS-0-of-1'))).toBe(false);
    expect(readLines(join(out, 'results-0-of-1.jsonl'))).toHaveLength(2);
    const rest = await batch([broken, '--out', out]);
    expect(rest.code).toBe(3);
    expect(rest.stdout).toContain('skipped 2 (2 failed in earlier runs), done 0, failed 4');
    expect(existsSync(join(out, '_SUCCESS-0-of-1'))).toBe(true);
  });

  it('cannot run (exit 1): a missing input, --images of a rocket that draws nothing, a bad threshold', async () => {
    const missing = await batch([join(dir, 'absent'), '--out', join(dir, 'o1')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('INPUT_UNREADABLE: INPUT');
    expect(missing.stderr).toContain('does not exist');
    const images = await batch([clean, '--out', join(dir, 'o2'), '--images']);
    expect(images.code).toBe(1);
    expect(images.stderr).toContain('--images writes images, but rocket colour (classify) answers JSON only');
    const threshold = await batch([clean, '--out', join(dir, 'o3'), '--confidence', '2']);
    expect(threshold.code).toBe(1);
    expect(threshold.stderr).toContain('INVALID_PARAMETER: Expected a number from 0 to 1 for confidence');
  });

  it('--images writes each picture with its detections drawn, named after the input', async () => {
    const scenes = join(dir, 'scenes');
    mkdirSync(join(scenes, 'more'), { recursive: true });
    writeFileSync(join(scenes, 'shapes.jpg'), await renderDemoScene(demoScenes.shapes));
    writeFileSync(
      join(scenes, 'more', 'shapes.png'),
      await renderDemoScene(demoScenes.shapes, { format: 'png' }),
    );
    const out = join(dir, 'out-images');
    const run = await runCli(['batch', scenes, '--out', out, '--images']); // the demo detector
    expect(run.code, run.stderr).toBe(0);
    const lines = readLines(join(out, 'results-0-of-1.jsonl'));
    expect(lines.map((l) => l.image).sort()).toEqual(['images/more/shapes.png.jpg', 'images/shapes.jpg']);
    for (const line of lines) {
      expect(line.result?.detections).toHaveLength(3);
      const meta = await sharp(join(out, line.image as string)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 640, 480]);
    }
  });

  it('a tabular rocket takes CSV, JSON and JSON Lines files of rows, one line per file', async () => {
    const regression = await writeDemoRegressionRocket(join(dir, 'regression'));
    const rows = join(dir, 'rows');
    mkdirSync(rows);
    writeFileSync(join(rows, 'a.csv'), 'f\n0\n1\n');
    writeFileSync(join(rows, 'b.jsonl'), '{"f": 0.05}\n\n[1]\n');
    writeFileSync(join(rows, 'c.json'), '{"inputs": [[-0.5]]}');
    writeFileSync(join(rows, 'd.csv'), 'f\nx\n');
    writeFileSync(join(rows, 'e.png'), 'not rows: left out');
    const out = join(dir, 'out-rows');
    const run = await runCli(['batch', rows, '--out', out, '--rocket', regression]);
    expect(run.code, run.stderr).toBe(3);
    const lines = Object.fromEntries(
      readLines(join(out, 'results-0-of-1.jsonl')).map((l) => [relative(rows, l.input), l]),
    );
    const values = (name: string) =>
      ((lines[name]?.result?.predictions ?? []) as { value: number }[]).map((p) => p.value);
    expect(Object.keys(lines).sort()).toEqual(['a.csv', 'b.jsonl', 'c.json', 'd.csv']);
    expect(values('a.csv')).toEqual([152.1, 1101.5]);
    expect(values('b.jsonl')).toEqual([199.57, 1101.5]);
    expect(values('c.json')).toEqual([-322.6]);
    expect(lines['d.csv']?.error?.code).toBe('INVALID_INPUT');
  });
});
