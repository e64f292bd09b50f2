import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRocket } from '../../src/rocket/load.js';
import { manifestJsonSchema, readManifest } from '../../src/rocket/manifest.js';
import { rejected, thrown } from '../helpers/errors.js';
import { buildColourClassifier, writeColourRocket } from '../helpers/models.js';

function manifestFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-manifest-'));
  writeFileSync(join(dir, 'rocket.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
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
      task: 'panoptic',
      preprocess: { resize: 'squash', std: [0, 1, 1], sizee: 3 },
      thresholds: { iou: 2 },
      extra: true,
    });
    const { code, message } = thrown(() => readManifest(join(dir, 'rocket.json')));
    expect(code).toBe('ROCKET_INVALID');
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
    expect((await rejected(loadRocket(manifestFile({ name: 'x' }), '/'))).message).toContain('model');
    expect((await rejected(loadRocket(manifestFile('{ not json'), '/'))).code).toBe('ROCKET_INVALID');
  });

  it('names a missing model file, a missing manifest, and a missing labels file', async () => {
    const missingModel = await rejected(loadRocket(manifestFile({ model: 'absent.onnx' }), '/'));
    expect(missingModel.code).toBe('ROCKET_NOT_FOUND');
    expect(missingModel.message).toContain('absent.onnx');
    const noManifest = await rejected(loadRocket(mkdtempSync(join(tmpdir(), 'rocket-empty-')), '/'));
    expect(noManifest).toMatchObject({ code: 'ROCKET_INVALID' });
    expect(noManifest.message).toContain('rocket.json');
    const dir = writeColourRocket({ labels: 'nope.txt' });
    expect((await rejected(loadRocket(dir, '/'))).message).toContain('nope.txt');
  });

  it('loads a rocket directory: manifest fields, labels file, model signature', async () => {
    const spec = await loadRocket(writeColourRocket(), '/');
    expect(spec).toMatchObject({
      name: 'colour',
      version: '1.0.0',
      task: 'classify',
      inputName: 'pixels',
      outputNames: ['logits'],
      dynamicBatch: true,
      labels: ['red', 'green', 'blue'],
      labelSource: 'file',
      preprocess: { width: 16, height: 16, resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1] },
    });
  });

  it('rejects mean/std that do not match the channel count', async () => {
    const dir = writeColourRocket({ preprocess: { mean: [0.5] } });
    expect((await rejected(loadRocket(dir, '/'))).message).toContain('need 3 value(s)');
  });

  it('checks the model file against the manifest sha256', async () => {
    const sha = createHash('sha256').update(buildColourClassifier()).digest('hex');
    expect((await loadRocket(writeColourRocket({ sha256: sha }), '/')).name).toBe('colour');
    const mismatch = await rejected(loadRocket(writeColourRocket({ sha256: 'ab'.repeat(32) }), '/'));
    expect(mismatch.code).toBe('ROCKET_CHECKSUM_MISMATCH');
    expect(mismatch.message).toContain(sha);
  });
});
