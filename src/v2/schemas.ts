/**
 * The Open Inference Protocol (v2) REST bodies as zod schemas. The inference request schema
 * validates every infer call; all of them generate the OpenAPI document (src/openapi), so the
 * docs and the validation cannot drift apart.
 */
import { z } from 'zod';
import { V2_DATATYPES } from './datatypes.js';

/** `$parameters`: name → string, number or boolean. */
export const v2Parameters = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .describe('Parameters as key/value pairs (binary_data_size, binary_data, binary_data_output).');

const shape = z
  .array(z.number().int().min(0))
  .describe('Sizes of the tensor, row-major; their product is the number of elements.');

const datatype = z.enum(V2_DATATYPES).describe('Element datatype (FP32, INT64, BYTES, ...).');

const tensorData = z
  .array(z.unknown())
  .describe('Elements in row-major order, flat or nested; numbers, booleans (BOOL) or strings (BYTES).');

/** `$request_input`. */
export const v2RequestInput = z.object({
  name: z.string().describe('Name of a model input.'),
  shape,
  datatype,
  parameters: v2Parameters.optional(),
  data: tensorData.optional().describe('The elements; omit when parameters.binary_data_size is set.'),
});

/** `$request_output`. */
export const v2RequestOutput = z.object({
  name: z.string().describe('Name of a model output.'),
  parameters: v2Parameters.optional(),
});

/** `$inference_request`: what POST /v2/models/{name}/infer takes (the JSON part of the body). */
export const v2InferenceRequest = z.object({
  id: z.string().optional().describe('Returned unchanged in the response.'),
  parameters: v2Parameters.optional(),
  inputs: z.array(v2RequestInput).min(1),
  outputs: z.array(v2RequestOutput).optional().describe('Outputs to return; all of them when omitted.'),
});

/** A validated inference request. */
export type V2InferenceRequest = z.infer<typeof v2InferenceRequest>;
/** One validated request input. */
export type V2RequestInput = z.infer<typeof v2RequestInput>;

/** `$response_output`. */
export const v2ResponseOutput = z.object({
  name: z.string(),
  shape,
  datatype,
  parameters: v2Parameters.optional(),
  data: z.array(z.unknown()).optional().describe('Flat row-major elements; absent for binary outputs.'),
});

/** `$inference_response`. */
export const v2InferenceResponse = z.object({
  model_name: z.string(),
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: v2Parameters.optional(),
  outputs: z.array(v2ResponseOutput),
});

/** `$metadata_tensor`. */
export const v2TensorMetadata = z.object({
  name: z.string(),
  datatype: z.string().describe('A v2 datatype, or the ONNX type name when v2 has none.'),
  shape: z.array(z.number().int()).describe('Sizes; -1 for a variable-size dimension.'),
});

/** `$metadata_model_response`. */
export const v2ModelMetadata = z.object({
  name: z.string(),
  versions: z.array(z.string()),
  platform: z.string(),
  inputs: z.array(v2TensorMetadata),
  outputs: z.array(v2TensorMetadata),
});

/** `$metadata_server_response`. */
export const v2ServerMetadata = z.object({
  name: z.string(),
  version: z.string(),
  extensions: z.array(z.string()),
});

/** Every v2 error: `{"error": "<message>"}`. */
export const v2Error = z.object({ error: z.string() });

/** GET /v2/health/live. */
export const v2Live = z.object({ live: z.boolean() });
/** GET /v2/health/ready. */
export const v2Ready = z.object({ ready: z.boolean() });
/** GET /v2/models/{name}/ready. */
export const v2ModelReady = z.object({ name: z.string(), ready: z.boolean() });
