import type { WireTensor } from '../inference/messages.js';
import { elementCount } from '../onnx/data-types.js';
import type { TensorSignature } from '../rocket/types.js';
import { DATATYPES, datatypeOfElemType } from './datatypes.js';
import { badRequest } from './errors.js';
import { protocolShape } from './model.js';
import type { V2InferenceRequest, V2RequestInput } from './schemas.js';
import { flatten, fromBinary, fromJson } from './tensor-data.js';

/**
 * Turns the request's inputs into onnxruntime feeds, checking each against the model: a known
 * input name, given once; the model's datatype; the model's rank and fixed sizes (and one size per
 * symbolic dimension across inputs); element count against the shape; binary data consumed
 * exactly. Every problem is a 400 naming the input.
 */
export function decodeInputs(
  request: V2InferenceRequest,
  binary: Uint8Array,
  signature: readonly TensorSignature[],
): Record<string, WireTensor> {
  const feeds: Record<string, WireTensor> = {};
  const symbols = new Map<string, { size: number; input: string }>();
  let offset = 0;
  for (const input of request.inputs) {
    const sig = signature.find((s) => s.name === input.name);
    if (!sig) {
      throw badRequest(
        `Unknown input "${input.name}"; the model's inputs are: ${signature.map((s) => s.name).join(', ')}`,
      );
    }
    if (Object.hasOwn(feeds, input.name)) throw badRequest(`Input "${input.name}" is given more than once`);
    checkSignature(input, sig, symbols);
    const count = elementCount(input.shape);
    const size = input.parameters?.binary_data_size;
    let data: WireTensor['data'];
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
        throw badRequest(`Input "${input.name}": binary_data_size must be a non-negative integer`);
      }
      if (input.data !== undefined) {
        throw badRequest(`Input "${input.name}" has both data and binary_data_size; send one`);
      }
      if (offset + size > binary.length) {
        throw badRequest(
          `Input "${input.name}": binary_data_size ${size} goes past the end of the binary data (${binary.length - offset} bytes left)`,
        );
      }
      data = fromBinary(input.datatype, binary.subarray(offset, offset + size), count, input.name);
      offset += size;
    } else {
      if (input.data === undefined) {
        throw badRequest(`Input "${input.name}" has no data (and no binary_data_size parameter)`);
      }
      const items = flatten(input.data);
      if (items.length !== count) {
        throw badRequest(
          `Input "${input.name}" has shape [${input.shape}] (${count} elements) but data has ${items.length} elements`,
        );
      }
      data = fromJson(input.datatype, items, input.name);
    }
    feeds[input.name] = { type: DATATYPES[input.datatype].ort, dims: [...input.shape], data };
  }
  if (offset !== binary.length) {
    throw badRequest(
      `The body has ${binary.length - offset} bytes of binary data that no input's binary_data_size claims`,
    );
  }
  const missing = signature.filter((s) => !Object.hasOwn(feeds, s.name)).map((s) => s.name);
  if (missing.length > 0) throw badRequest(`Missing input(s): ${missing.join(', ')}`);
  return feeds;
}

/** Datatype, rank and fixed sizes against the model's signature. */
function checkSignature(
  input: V2RequestInput,
  sig: TensorSignature,
  symbols: Map<string, { size: number; input: string }>,
): void {
  const expected = datatypeOfElemType(sig.elemType);
  if (expected !== input.datatype) {
    throw badRequest(
      `Input "${input.name}" has datatype ${input.datatype} but the model expects ${expected ?? `ONNX type ${sig.elemType}`}`,
    );
  }
  if (sig.dims.length === 0) return; // shape unknown to the model file
  const shapeMismatch = () =>
    badRequest(
      `Input "${input.name}" has shape [${input.shape}] but the model expects [${protocolShape(sig.dims)}]`,
    );
  if (input.shape.length !== sig.dims.length) throw shapeMismatch();
  sig.dims.forEach((dim, i) => {
    const size = input.shape[i] as number;
    if (typeof dim === 'number' && dim >= 0 && dim !== size) throw shapeMismatch();
    if (typeof dim === 'string' && dim !== '?') {
      const seen = symbols.get(dim);
      if (seen && seen.size !== size) {
        throw badRequest(
          `Dimension "${dim}" is ${seen.size} in input "${seen.input}" but ${size} in input "${input.name}"`,
        );
      }
      symbols.set(dim, { size, input: input.name });
    }
  });
}
