import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInspection, inspectRocket } from '../../src/commands/inspect.js';
import { packRocket } from '../../src/commands/pack.js';
import { GraphBuilder } from '../../src/onnx/build.js';
import { unpackArchive } from '../../src/rocket/archive.js';
import { loadRocketSpec } from '../../src/rocket/load.js';
import { buildColourClassifier, writeColourRocket } from '../helpers/models.js';
import { runCli } from './run-cli.js';

/** A model taking a rank-3 tensor ([1, 3, 16] → the same): neither an image nor a tabular rocket. */
function sequenceModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'sequence' });
  const x = g.input('frames', 'float32', [1, 3, 16]);
  g.node('Identity', [x], {}, ['same']);
  g.output('same', 'float32', [1, 3, 16]);
  return g.toBytes();
}

describe('rocket inspect', () => {
  it('reports the signature, metadata and the inferred rocket of a rocket directory', async () => {
    const dir = writeColourRocket();
    const report = await inspectRocket(dir, tmpdir());
    expect(report).toMatchObject({
      model: join(dir, 'colour.onnx'),
      inputs: [{ name: 'pixels', type: 'float', dims: ['batch', 3, 16, 16] }],
      outputs: [{ name: 'logits', type: 'float', dims: ['batch', 3] }],
      rocket: {
        name: 'colour',
        task: 'classify',
        preprocess: { resize: 'stretch', width: 16, height: 16 },
        labels: { count: 3, first: ['red', 'green', 'blue'] },
        labelSource: 'file',
      },
    });
    expect(report.problem).toBeUndefined();
    const table = formatInspection(report);
    expect(table).toMatch(/^inputs +pixels {2}float \[batch, 3, 16, 16\]$/m);
    expect(table).toMatch(/^rocket +colour 1\.0\.0: task classify/m);
    expect(table).toMatch(/^labels +3 from file: red, green, blue$/m);
  });

  it('still shows the signature of a model it cannot serve, and why, and exits 1', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'rocket-inspect-')), 'sequence.onnx');
    writeFileSync(path, sequenceModel());
    const run = await runCli(['inspect', path, '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report.inputs).toEqual([{ name: 'frames', type: 'float', dims: [1, 3, 16] }]);
    expect(report.rocket).toBeUndefined();
    expect(report.problem).toMatch(/^ROCKET_UNSUPPORTED: .*frames \[1, 3, 16\]/s);
    const table = await runCli(['inspect', path]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^not servable +ROCKET_UNSUPPORTED/m);
  });

  it('exits 0 on a rocket it can serve', async () => {
    const run = await runCli(['inspect', writeColourRocket()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^rocket +colour 1\.0\.0: task classify/m);
    expect(run.stdout).not.toContain('not servable');
  });
});

describe('rocket pack', () => {
  it('writes rocket.tar.gz and a sha256sum-style .sha256 that unpack to the same rocket', async () => {
    const dir = writeColourRocket();
    const out = await mkdtemp(join(tmpdir(), 'rocket-out-'));
    const result = await packRocket(dir, { outDir: out });
    const bytes = readFileSync(result.archive);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(result).toMatchObject({
      sha256: sha,
      bytes: bytes.length,
      registryPath: 'OWNER/colour/latest/rocket.tar.gz',
    });
    expect(readFileSync(result.checksum, 'utf8')).toBe(`${sha}  rocket.tar.gz\n`);
    const dest = join(out, 'unpacked');
    await unpackArchive(result.archive, dest, 'packed', 1 << 24);
    const [packed, original] = await Promise.all([loadRocketSpec(dest, true), loadRocketSpec(dir, true)]);
    expect({ ...packed, modelPath: '' }).toEqual({ ...original, modelPath: '' });
    expect(readFileSync(packed.modelPath).equals(Buffer.from(buildColourClassifier()))).toBe(true);
    // Packing the same directory again gives the same bytes (no timestamps or owners inside).
    expect((await packRocket(dir, { outDir: await mkdtemp(join(tmpdir(), 'rocket-out-')) })).sha256).toBe(
      sha,
    );
  });

  it('writes straight into a registry tree and prints the layout path', async () => {
    const registry = await mkdtemp(join(tmpdir(), 'rocket-reg-'));
    const run = await runCli([
      'pack',
      writeColourRocket(),
      '--as',
      'lucas/colour@1.0.0',
      '--registry',
      registry,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('lucas/colour/1.0.0/rocket.tar.gz\n');
    expect(run.stdout).toContain('lucas/colour/1.0.0/rocket.tar.gz.sha256\n');
    expect(existsSync(join(registry, 'lucas', 'colour', '1.0.0', 'rocket.tar.gz'))).toBe(true);
    expect(existsSync(join(registry, 'lucas', 'colour', '1.0.0', 'rocket.tar.gz.sha256'))).toBe(true);
  });

  it('refuses a directory without a valid manifest, or one whose paths leave it', async () => {
    const bad = writeColourRocket();
    writeFileSync(join(bad, 'rocket.json'), JSON.stringify({ model: 'colour.onnx', thresholds: { iou: 3 } }));
    const invalid = await runCli(['pack', bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/ROCKET_INVALID: Invalid manifest .*thresholds\.iou/s);
    const outside = writeColourRocket();
    writeFileSync(join(outside, 'rocket.json'), JSON.stringify({ model: join(outside, 'colour.onnx') }));
    await expect(packRocket(outside, { outDir: outside })).rejects.toThrow(/outside the rocket directory/);
    expect(existsSync(join(outside, 'rocket.tar.gz'))).toBe(false);
    const badName = await runCli(['pack', writeColourRocket(), '--as', 'not a name']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('--as expects owner/name[@version]');
    expect(badName.stderr).toContain('Usage: rocket pack ');
  });
});

describe('--help', () => {
  it.each(['predict', 'inspect', 'pack'])('rocket %s --help prints its usage', async (name) => {
    const run = await runCli([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: rocket ${name} `));
    expect(run.stdout).toContain('-h, --help');
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
  });
});
