import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RocketError } from '../../src/errors.js';
import { loadRocket } from '../../src/rocket/load.js';
import { manifestJsonSchema, readManifest } from '../../src/rocket/manifest.js';
import { writeColourRocket } from '../helpers/models.js';

function manifestFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-manifest-'));
  writeFileSync(join(dir, 'rocket.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { code: (err as RocketError).code, message: (err as Error).message };
  }
  throw new Error('expected a RocketError');
}

describe('rocket.json', () => {
  it('docs/rocket.schema.json is the schema that validates manifests (npm run docs:schema)', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../docs/rocket.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(manifestJsonSchema());
  });

  it('lists every problem at once, naming each field', () => {
    const dir = manifestFile({
      model: 'm.onnx',
      task: 'segment',
      preprocess: { resize: 'squash', std: [0, 1, 1], sizee: 3 },
      thresholds: { iou: 2 },
      extra: true,
    });
    let message = '';
    try {
      readManifest(join(dir, 'rocket.json'));
    } catch (err) {
      expect((err as RocketError).code).toBe('ROCKET_INVALID');
      message = (err as Error).message;
    }
    for (const field of [
      'task',
      'preprocess.resize',
      'preprocess.std',
      'preprocess',
      'thresholds.iou',
      '(root)',
    ]) {
      expect(message).toContain(`${field}:`);
    }
    expect(message).toContain('sizee');
    expect(message).toContain('extra');
  });

  it('requires model, and rejects malformed JSON', async () => {
    expect((await codeOf(loadRocket(manifestFile({ name: 'x' }), '/'))).message).toContain('model');
    expect((await codeOf(loadRocket(manifestFile('{ not json'), '/'))).code).toBe('ROCKET_INVALID');
  });

  it('names a missing model file, a missing manifest, and a missing labels file', async () => {
    const missingModel = await codeOf(loadRocket(manifestFile({ model: 'absent.onnx' }), '/'));
    expect(missingModel.code).toBe('ROCKET_NOT_FOUND');
    expect(missingModel.message).toContain('absent.onnx');
    const noManifest = await codeOf(loadRocket(mkdtempSync(join(tmpdir(), 'rocket-empty-')), '/'));
    expect(noManifest).toMatchObject({ code: 'ROCKET_INVALID' });
    expect(noManifest.message).toContain('rocket.json');
    const dir = writeColourRocket();
    const manifest = JSON.parse(readFileSync(join(dir, 'rocket.json'), 'utf8'));
    writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ ...manifest, labels: 'nope.txt' }));
    expect((await codeOf(loadRocket(dir, '/'))).message).toContain('nope.txt');
  });

  it('loads a rocket directory: manifest fields, labels file, model signature', async () => {
    const spec = await loadRocket(writeColourRocket(), '/');
    expect(spec).toMatchObject({
      name: 'colour',
      version: '1.0.0',
      task: 'classify',
      inputName: 'pixels',
      outputName: 'logits',
      dynamicBatch: true,
      labels: ['red', 'green', 'blue'],
      labelSource: 'file',
      preprocess: { width: 16, height: 16, resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1] },
    });
  });

  it('rejects mean/std that do not match the channel count', async () => {
    const dir = writeColourRocket();
    const manifest = JSON.parse(readFileSync(join(dir, 'rocket.json'), 'utf8'));
    writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ ...manifest, preprocess: { mean: [0.5] } }));
    expect((await codeOf(loadRocket(dir, '/'))).message).toContain('need 3 value(s)');
  });

  it('checks the model file against the manifest sha256', async () => {
    const dir = writeColourRocket();
    const manifest = JSON.parse(readFileSync(join(dir, 'rocket.json'), 'utf8'));
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256')
      .update(readFileSync(join(dir, 'colour.onnx')))
      .digest('hex');
    writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ ...manifest, sha256: sha }));
    expect((await loadRocket(dir, '/')).name).toBe('colour');
    writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ ...manifest, sha256: 'ab'.repeat(32) }));
    const mismatch = await codeOf(loadRocket(dir, '/'));
    expect(mismatch.code).toBe('ROCKET_CHECKSUM_MISMATCH');
    expect(mismatch.message).toContain(sha);
  });
});
