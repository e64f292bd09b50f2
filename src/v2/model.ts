import type { WireTensor } from '../inference/messages.js';
import { DataType } from '../onnx/data-types.js';
import { packageVersion } from '../package.js';
import type { RocketPipeline } from '../pipeline/pipeline.js';
import type { TensorSignature } from '../rocket/types.js';
import { datatypeOfElemType } from './datatypes.js';

/** What the protocol needs of a served model: its name, version, signature, and a way to run it. */
export interface V2Model {
  name: string;
  version: string;
  inputs: readonly TensorSignature[];
  outputs: readonly TensorSignature[];
  /** Runs raw tensors and returns the outputs named in `fetches`. */
  run(
    feeds: Record<string, WireTensor>,
    fetches: string[],
    signal?: AbortSignal,
  ): Promise<Record<string, WireTensor>>;
}

/** The served rocket as a v2 model: its spec's name, version and signature, run in a worker. */
export function modelFromPipeline(pipeline: RocketPipeline): V2Model {
  const { spec } = pipeline;
  return {
    name: spec.name,
    version: spec.version,
    inputs: spec.signature.inputs,
    outputs: spec.signature.outputs,
    run: (feeds, fetches, signal) => pipeline.runTensors(feeds, fetches, signal),
  };
}

/** The server name, version and the extensions it supports (`GET /v2`). */
export function serverMetadata(): { name: string; version: string; extensions: string[] } {
  return { name: 'rocketserve', version: packageVersion(), extensions: ['binary_tensor_data'] };
}

/** A signature's dims as the protocol writes them: fixed sizes as is, anything else as -1. */
export function protocolShape(dims: readonly (number | string)[]): number[] {
  return dims.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
}

const ONNX_NAMES: Record<number, string> = {
  [DataType.BFLOAT16]: 'BF16',
  [DataType.COMPLEX64]: 'COMPLEX64',
  [DataType.COMPLEX128]: 'COMPLEX128',
};

function tensorMetadata(t: TensorSignature) {
  const datatype = datatypeOfElemType(t.elemType) ?? ONNX_NAMES[t.elemType] ?? t.kind.toUpperCase();
  return { name: t.name, datatype, shape: protocolShape(t.dims) };
}

/**
 * The outputs the protocol can carry: tensors. Non-tensor outputs (sequences and maps, such as
 * scikit-learn's ZipMap) have no datatype in the protocol and are not offered.
 */
export function tensorOutputs(model: V2Model): TensorSignature[] {
  return model.outputs.filter((o) => o.kind === 'tensor');
}

/** The model metadata response (`GET /v2/models/{name}`): its tensor inputs and outputs. */
export function modelMetadata(model: V2Model) {
  return {
    name: model.name,
    versions: [model.version],
    platform: 'onnx_onnxv1',
    inputs: model.inputs.map(tensorMetadata),
    outputs: tensorOutputs(model).map(tensorMetadata),
  };
}
