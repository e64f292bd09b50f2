import type { WireTensor } from '../inference/messages.js';
import { datatypeOfOrtType } from './datatypes.js';
import { badRequest } from './errors.js';
import { decodeInputs } from './inputs.js';
import { tensorOutputs, type V2Model } from './model.js';
import { parseInferBody } from './request.js';
import type { V2InferenceRequest } from './schemas.js';
import { toBinary, toJsonText } from './tensor-data.js';

/** An infer response: the body (JSON, then any binary outputs) and its headers. */
export interface InferReply {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Runs one Open Inference Protocol infer request against `model`: parses and validates the body
 * (see {@link parseInferBody}, {@link decodeInputs}), runs the model, and encodes the outputs as
 * JSON or, when asked (`binary_data` on an output, `binary_data_output` on the request), as binary
 * tensor data after the JSON with `Inference-Header-Content-Length` set.
 */
export async function inferV2(
  model: V2Model,
  body: Uint8Array,
  headerLength: string | string[] | undefined,
  signal?: AbortSignal,
): Promise<InferReply> {
  const { request, binary } = parseInferBody(body, headerLength);
  const feeds = decodeInputs(request, binary, model.inputs);
  const wanted = requestedOutputs(request, model);
  const outputs = await model.run(
    feeds,
    wanted.map((w) => w.name),
    signal,
  );
  const parts: string[] = [];
  const chunks: Buffer[] = [];
  for (const { name, binary: asBinary } of wanted) {
    const tensor = outputs[name] as WireTensor | undefined;
    if (!tensor) throw new Error(`The model did not return output "${name}"`);
    const datatype = datatypeOfOrtType(tensor.type);
    if (!datatype)
      throw new Error(`Output "${name}" has type ${tensor.type}, which the protocol cannot carry`);
    const head = `{"name":${JSON.stringify(name)},"datatype":"${datatype}","shape":[${tensor.dims}]`;
    if (asBinary) {
      const bytes = toBinary(datatype, tensor.data as never);
      chunks.push(bytes);
      parts.push(`${head},"parameters":{"binary_data_size":${bytes.length}}}`);
    } else {
      parts.push(`${head},"data":${toJsonText(datatype, tensor.data as never)}}`);
    }
  }
  const id = request.id === undefined ? '' : `,"id":${JSON.stringify(request.id)}`;
  const json = Buffer.from(
    `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(model.version)}${id},"outputs":[${parts.join(',')}]}`,
  );
  if (chunks.length === 0) {
    return { body: json, headers: { 'content-type': 'application/json; charset=utf-8' } };
  }
  return {
    body: Buffer.concat([json, ...chunks]),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(json.length),
    },
  };
}

/** The outputs to return, in order, and whether each goes as binary data. */
function requestedOutputs(request: V2InferenceRequest, model: V2Model): { name: string; binary: boolean }[] {
  const all = flag(request.parameters?.binary_data_output, 'binary_data_output') ?? false;
  const tensors = tensorOutputs(model);
  if (!request.outputs) return tensors.map((o) => ({ name: o.name, binary: all }));
  const seen = new Set<string>();
  return request.outputs.map((o) => {
    const declared = model.outputs.find((m) => m.name === o.name);
    if (declared?.kind !== 'tensor') {
      const what = declared
        ? `Output "${o.name}" is a ${declared.kind}, not a tensor, so the protocol cannot carry it`
        : `Unknown output "${o.name}"`;
      throw badRequest(`${what}; the model's outputs are: ${tensors.map((m) => m.name).join(', ')}`);
    }
    if (seen.has(o.name)) throw badRequest(`Output "${o.name}" is requested more than once`);
    seen.add(o.name);
    return { name: o.name, binary: flag(o.parameters?.binary_data, 'binary_data') ?? all };
  });
}

function flag(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw badRequest(`Parameter ${name} must be true or false but is ${JSON.stringify(value)}`);
}
