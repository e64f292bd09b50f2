import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../commands/run-cli.js';
import { json, postImage } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import { readLines, withoutTiming } from './helpers.js';

noteIfNoShared('the rocket batch test over the real photos with YOLOv8n');

const YOLOV8 = shared('models', 'detection', 'yolov8n_int8_640.onnx');

describe.skipIf(!hasShared)('rocket batch over ../shared/images with YOLOv8n', () => {
  const server = useServer('npm start server', { ROCKET_URL: YOLOV8 }, 60_000);
  let photos: string;
  let out: string;
  const broken = {
    'cut-off/bus.jpg': 'IMAGE_UNDECODABLE',
    'notes.jpg': 'IMAGE_UNDECODABLE',
    'empty.png': 'EMPTY_INPUT',
  };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rocket-batch-real-'));
    photos = join(dir, 'photos');
    out = join(dir, 'out');
    mkdirSync(join(photos, 'cut-off'), { recursive: true });
    // The photos are linked, not copied; the broken files are made here.
    for (const name of readdirSync(shared('images'))) symlinkSync(shared('images', name), join(photos, name));
    writeFileSync(
      join(photos, 'cut-off', 'bus.jpg'),
      readFileSync(shared('images', 'bus.jpg')).subarray(0, 4000),
    );
    writeFileSync(join(photos, 'notes.jpg'), 'these are notes, not a photo');
    writeFileSync(join(photos, 'empty.png'), '');
  });

  it('each line equals the /process JSON of its file (timings aside); broken files give its errors', async () => {
    const run = await runCli(['batch', photos, '--out', out, '--rocket', YOLOV8]);
    expect(run.code, run.stderr).toBe(3);
    const lines = readLines(join(out, 'results-0-of-1.jsonl'));
    const photoCount = readdirSync(shared('images')).length;
    expect(lines).toHaveLength(photoCount + 3);
    for (const line of lines) {
      const res = await postImage(server().url, readFileSync(line.input));
      const body = await json(res);
      if (line.ok) {
        expect(res.status).toBe(200);
        expect(withoutTiming(line.result), line.input).toEqual(withoutTiming(body));
      } else {
        expect(line.error?.code, line.input).toBe(body.error.code);
        expect(line.error?.code).toBe(broken[line.input.slice(photos.length + 1) as keyof typeof broken]);
      }
    }
    const bus = lines.find((l) => l.input === join(photos, 'bus.jpg'))?.result as {
      detections: { label: string }[];
    };
    const labels = bus.detections.map((d) => d.label).sort();
    expect(labels).toEqual(['bus', 'person', 'person', 'person', 'person']);
    expect(
      lines
        .filter((l) => l.ok)
        .map((l) => basename(l.input))
        .sort(),
    ).toEqual(readdirSync(shared('images')).sort());
  });
});
