// Which models the semantic family claims with zero config (and which it leaves to image2image,
// classify or a manifest), how it configures them, and the load-time errors of what it cannot read.
import { describe, expect, it } from 'vitest';
import { inferSpecWithReasons, type ManifestContext, type ModelSignature } from '../../src/rocket/infer.js';
import { manifestSchema } from '../../src/rocket/manifest.js';
import { semantic } from '../../src/tasks/semantic/family.js';
import { SEMANTIC_FORMATS } from '../../src/tasks/semantic/layout.js';
import { thrown } from '../helpers/errors.js';
import { type Dims, labelsOf, signature } from './helpers.js';

const one = (input: Dims, output: Dims, elemType?: number) =>
  signature([['input', input]], [['output', output, elemType]]);

function recognised(sig: ModelSignature, ctx: ManifestContext = {}) {
  const { spec, recognition, format } = inferSpecWithReasons('/m.onnx', sig, ctx);
  return { spec, task: recognition.family.task, reason: recognition.reason, format };
}

/** The load error of a signature (with a manifest saying task: semantic, when given). */
const loadError = (sig: ModelSignature, ctx: ManifestContext = {}) =>
  thrown(() => inferSpecWithReasons('/m.onnx', sig, ctx));

const task = (manifest: Record<string, unknown> = {}, labels?: string[]): ManifestContext => ({
  manifest: { model: 'm.onnx', task: 'semantic', ...manifest },
  ...(labels ? { labelsFromFile: labels } : {}),
});

describe('zero-config recognition', () => {
  it('claims DeepLab-like NHWC [1, 257, 257, 3] → [1, 257, 257, 21], following the input layout', () => {
    const r = recognised(
      signature([['sub_7', [1, 257, 257, 3]]], [['ResizeBilinear_3', [1, 257, 257, 21]]]),
      { labelsFromFile: labelsOf(21) },
    );
    expect(r.task).toBe('semantic');
    expect(r.reason).toContain('21 class scores per pixel at the input size');
    expect(r.format.name).toBe('logit-map');
    expect(r.spec).toMatchObject({
      outputNames: ['ResizeBilinear_3'],
      head: { activation: 'softmax', classes: 21 },
      preprocess: { layout: 'nhwc', resize: 'stretch', width: 257, height: 257 },
    });
  });

  it.each([
    [[1, 3, 520, 520], [1, 21, 520, 520], 'the input size'],
    [[1, 3, 512, 1024], [1, 19, 64, 128], '1/8 of the input size'],
    [[1, 3, 257, 257], [1, 21, 17, 17], '1/16 of the input size'],
    [[1, 3, 513, 513], [1, 150, 129, 129], '1/4 of the input size'],
  ])('claims NCHW %j → %j (%s)', (input, output, size) => {
    const r = recognised(one(input, output));
    expect(r.task).toBe('semantic');
    expect(r.reason).toContain(size);
    expect(r.spec).toMatchObject({ labels: [], head: { classes: output[1] } });
  });

  it('leaves 3 channels to image2image and takes 21 (the rule that tells them apart)', () => {
    expect(recognised(one([1, 3, 224, 224], [1, 3, 224, 224])).task).toBe('image2image');
    expect(recognised(one([1, 3, 224, 224], [1, 21, 224, 224])).task).toBe('semantic');
    expect(recognised(one([1, 224, 224, 3], [1, 448, 448, 3])).task).toBe('image2image');
  });

  it('claims no 4-channel output (RGBA image or 4 classes?): ROCKET_UNSUPPORTED asking for task', () => {
    const err = loadError(one([1, 3, 64, 64], [1, 4, 64, 64]));
    expect(err.code).toBe('ROCKET_UNSUPPORTED');
    expect(err.message).toContain('no task family recognises');
    expect(err.message).toContain('Set "task" in rocket.json');
  });

  it.each([
    ['a map that is no fraction of the input', [1, 3, 100, 100], [1, 21, 37, 37]],
    ['a map bigger than the input', [1, 3, 64, 64], [1, 21, 128, 128]],
    ['symbolic map dims', [1, 3, 'h', 'w'], [1, 21, 'h', 'w']],
    ['different strides per dimension', [1, 3, 64, 64], [1, 21, 32, 16]],
  ])('does not claim %s', (_, input, output) => {
    expect(semantic.recognise(one(input, output), [])).toBeUndefined();
  });

  it('leaves a [1, 1000, 1, 1] classifier to classify, and models whose metadata names another task', () => {
    expect(recognised(one([1, 3, 224, 224], [1, 1000, 1, 1])).task).toBe('classify');
    expect(semantic.recognise(one([1, 3, 64, 64], [1, 21, 64, 64]), [])).toBeDefined();
    const tagged = signature([['input', [1, 3, 64, 64]]], [['output', [1, 21, 64, 64]]], { task: 'detect' });
    expect(semantic.recognise(tagged, [])).toBeUndefined();
  });

  it('reads a [1, H, W] class map only with task: semantic (and labels)', () => {
    const sig = one([1, 3, 64, 64], [1, 64, 64], 7);
    expect(loadError(sig).code).toBe('ROCKET_UNSUPPORTED');
    const r = recognised(sig, task({}, labelsOf(21)));
    expect(r.task).toBe('semantic');
    expect(r.reason).toContain('"task": "semantic" in rocket.json');
    expect(r.spec).toMatchObject({ outputFormat: 'class-map', head: { classes: 21 } });
    // One channel of ids is an image to zero config, a class map to task: semantic.
    const channel = one([1, 3, 64, 64], [1, 1, 64, 64], 7);
    expect(recognised(channel).task).toBe('image2image');
    expect(recognised(channel, task({}, labelsOf(3))).spec).toMatchObject({ outputFormat: 'class-map' });
  });
});

describe('configure', () => {
  it('defaults sigmoid scores to probability-map, so logits would fail the [0, 1] check', () => {
    const r = recognised(one([1, 3, 8, 8], [1, 5, 8, 8]), task({ output: { activation: 'sigmoid' } }));
    expect(r.spec).toMatchObject({ outputFormat: 'probability-map', head: { activation: 'sigmoid' } });
  });

  it('lets a manifest letterbox and read logits as sigmoid', () => {
    const r = recognised(
      one([1, 3, 8, 8], [1, 5, 8, 8]),
      task({ preprocess: { resize: 'letterbox' }, output: { activation: 'sigmoid', format: 'logit-map' } }),
    );
    expect(r.spec).toMatchObject({ outputFormat: 'logit-map', preprocess: { resize: 'letterbox' } });
    expect(r.format.reason).toBe('output.format logit-map in rocket.json');
  });

  it.each([
    [
      'labels that do not count the classes',
      one([1, 3, 8, 8], [1, 5, 8, 8]),
      task({}, labelsOf(4)),
      '4 labels for the 5 class channels',
    ],
    ['a class map without labels', one([1, 3, 8, 8], [1, 8, 8], 7), task(), 'give a labels file'],
    ['symbolic classes without labels', one([1, 3, 8, 8], [1, 'C', 8, 8]), task(), 'give a labels file'],
    ['int scores', one([1, 3, 8, 8], [1, 5, 8, 8], 7), task(), 'class scores must be float32'],
    [
      'two outputs',
      signature(
        [['input', [1, 3, 8, 8]]],
        [
          ['a', [1, 5, 8, 8]],
          ['b', [1, 5, 8, 8]],
        ],
      ),
      task(),
      'one output',
    ],
    ['a rank-2 output', one([1, 3, 8, 8], [1, 5]), task(), 'is no map'],
    [
      'a class-map format on scores',
      one([1, 3, 8, 8], [1, 5, 8, 8]),
      task({ output: { format: 'class-map' } }),
      'does not fit',
    ],
  ])('ROCKET_UNSUPPORTED for %s', (_, sig, ctx, message) => {
    const err = loadError(sig, ctx);
    expect(err.code).toBe('ROCKET_UNSUPPORTED');
    expect(err.message).toContain(message);
    expect(err.message).toContain('/m.onnx');
  });

  it.each([
    ['activation none', one([1, 3, 8, 8], [1, 5, 8, 8]), task({ output: { activation: 'none' } }), 'softmax'],
    [
      'sigmoid on a class map',
      one([1, 3, 8, 8], [1, 8, 8], 7),
      task({ output: { activation: 'sigmoid' } }, labelsOf(5)),
      'one class per pixel',
    ],
    [
      'center-crop',
      one([1, 3, 8, 8], [1, 5, 8, 8]),
      task({ preprocess: { resize: 'center-crop' } }),
      'cannot crop',
    ],
    [
      'a detector format',
      one([1, 3, 8, 8], [1, 5, 8, 8]),
      task({ output: { format: 'yolov8' } }),
      'is not one of',
    ],
  ])('ROCKET_INVALID for %s', (_, sig, ctx, message) => {
    const err = loadError(sig, ctx);
    expect(err.code).toBe('ROCKET_INVALID');
    expect(err.message).toContain(message);
  });

  it("accepts every semantic format as the manifest's output.format", () => {
    for (const format of SEMANTIC_FORMATS)
      expect(manifestSchema.safeParse({ model: 'm.onnx', output: { format } }).success).toBe(true);
  });
});

describe('the family object', () => {
  it("gives the playground a VOC palette colour per class, and the semantic view's query", () => {
    const { spec } = recognised(one([1, 3, 8, 8], [1, 21, 8, 8]));
    if (spec.input !== 'image') throw new Error('expected an image rocket');
    const { palette } = (semantic.playgroundOf as NonNullable<typeof semantic.playgroundOf>)(spec) as {
      palette: string[];
    };
    expect(palette).toHaveLength(21);
    expect(palette.slice(0, 3)).toEqual(['#000000', '#800000', '#008000']);
    expect(palette[15]).toBe('#c08080');
    expect(semantic.playground).toEqual({
      panels: ['image-input', 'semantic-view'],
      query: { map: 'png', minFraction: 0 },
      accept: 'application/json',
    });
  });

  it('parses minFraction and map from query strings, refusing what does not fit', () => {
    const { minFraction, map } = semantic.query ?? {};
    expect(minFraction?.schema.parse('0')).toBe(0);
    expect(minFraction?.schema.parse('0.02')).toBe(0.02);
    expect(minFraction?.schema.safeParse('2').success).toBe(false);
    expect(map?.schema.parse('png')).toBe('png');
    expect(map?.schema.safeParse('jpeg').success).toBe(false);
  });
});
