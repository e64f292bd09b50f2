import { describe, expect, it } from 'vitest';
import type { WireTensor } from '../../src/inference/messages.js';
import { DataType } from '../../src/onnx/data-types.js';
import { inferV2 } from '../../src/v2/infer.js';
import { modelMetadata, type V2Model } from '../../src/v2/model.js';
import { jsonBody } from './wire.js';

/**
 * A scikit-learn classifier's signature: a tensor label and a ZipMap of probabilities (a sequence
 * of maps, which onnxruntime-node cannot return). `run` answers what a worker would: the tensors.
 */
const classifier: V2Model = {
  name: 'iris',
  version: '1',
  inputs: [{ name: 'features', kind: 'tensor', elemType: DataType.FLOAT, dims: ['N', 4] }],
  outputs: [
    { name: 'label', kind: 'tensor', elemType: DataType.INT64, dims: ['N'] },
    { name: 'probabilities', kind: 'sequence', elemType: 0, dims: [] },
  ],
  async run(_feeds, fetches) {
    const out: Record<string, WireTensor> = {};
    for (const name of fetches) {
      if (name !== 'label') throw new Error(`onnxruntime cannot fetch the non-tensor output "${name}"`);
      out.label = { type: 'int64', dims: [1], data: BigInt64Array.from([2n]) };
    }
    return out;
  },
};

const request = (outputs?: { name: string }[]) =>
  jsonBody({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }], outputs });

describe('Open Inference Protocol v2: non-tensor outputs (ZipMap)', () => {
  it('leaves them out of the model metadata', () => {
    expect(modelMetadata(classifier).outputs).toEqual([{ name: 'label', datatype: 'INT64', shape: [-1] }]);
  });

  it('answers 400 naming the output when one is requested', async () => {
    await expect(inferV2(classifier, request([{ name: 'probabilities' }]), undefined)).rejects.toMatchObject({
      status: 400,
      message:
        'Output "probabilities" is a sequence, not a tensor, so the protocol cannot carry it; ' +
        "the model's outputs are: label",
    });
  });

  it('returns the tensor outputs when none are named, or when they are', async () => {
    for (const outputs of [undefined, [{ name: 'label' }]]) {
      const reply = JSON.parse((await inferV2(classifier, request(outputs), undefined)).body.toString());
      expect(reply.outputs).toEqual([{ name: 'label', datatype: 'INT64', shape: [1], data: [2] }]);
    }
  });
});
