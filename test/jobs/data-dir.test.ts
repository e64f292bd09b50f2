import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDataDir, modelSha256 } from '../../src/jobs/data-dir.js';

describe('the job store folder', () => {
  const owner = { rocket: 'yolov8n', modelSha256: 'ab12cd34ef56aa77bb88cc99' };

  it('is DATA_DIR when it is set', () => {
    expect(jobsDataDir('/data/jobs', owner, '/home/u')).toBe('/data/jobs');
  });

  it('is a folder per rocket, named after the rocket and its model sha256, when DATA_DIR is empty', () => {
    expect(jobsDataDir('', owner, '/home/u')).toBe(
      '/home/u/.local/share/rocketserve/jobs/yolov8n-ab12cd34ef56',
    );
    const other = jobsDataDir('', { ...owner, modelSha256: 'ffff0000ffff0000' }, '/home/u');
    expect(other, 'another model of the same name gets its own folder').not.toBe(
      jobsDataDir('', owner, '/home/u'),
    );
  });

  it('keeps a rocket name from leaving the folder', () => {
    const dir = jobsDataDir('', { rocket: '../../etc/x y', modelSha256: '0123456789abcdef' }, '/home/u');
    expect(dir).toBe('/home/u/.local/share/rocketserve/jobs/_.._etc_x_y-0123456789ab');
  });
});

describe('modelSha256', () => {
  it('hashes the model file as sha256sum does, across several read chunks', async () => {
    const bytes = Buffer.alloc(300_000).map((_, i) => (i * 7919) & 0xff);
    const file = join(mkdtempSync(join(tmpdir(), 'rocket-sha-')), 'model.onnx');
    writeFileSync(file, bytes);
    expect(await modelSha256(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
