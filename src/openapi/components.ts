/**
 * The schemas of the OpenAPI document's `components.schemas`: the v2 protocol's (which validate v2
 * requests) and the response bodies of the other routes. Request schemas are written as inputs
 * (what is accepted), response schemas as outputs (exactly what is sent).
 */
import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors.js';
import { FAMILIES } from '../tasks/registry.js';
import * as v2 from '../v2/schemas.js';

type Meta = { id: string };

/** Schemas of request bodies, by id. */
export const requestSchemas = z.registry<Meta>();
/** Schemas of response bodies, by id. */
export const responseSchemas = z.registry<Meta>();

const ms = z.number().describe('Milliseconds.');
const rocket = z.object({ name: z.string(), version: z.string() });
const image = z
  .object({ width: z.number().int(), height: z.number().int() })
  .describe('Size after EXIF orientation.');

/** Per-stage times of an image request. */
export const timing = z.object({
  decodeMs: ms,
  preprocessMs: ms,
  inferenceMs: ms,
  postprocessMs: ms,
  totalMs: ms,
  tiles: z
    .number()
    .int()
    .optional()
    .describe('Model runs the image took, for rockets that run large images as tiles (image-to-image).'),
});

/** A list of schemas as z.union takes it (every registry has at least two families). */
function atLeastTwo(schemas: z.ZodObject[]): [z.ZodObject, z.ZodObject, ...z.ZodObject[]] {
  if (schemas.length < 2) throw new Error('z.union needs at least two schemas');
  return schemas as [z.ZodObject, z.ZodObject, ...z.ZodObject[]];
}

const capitalised = (task: string) => `${task[0]?.toUpperCase() ?? ''}${task.slice(1)}`;

/** Each family's /process JSON: the envelope and the family's result fields, by schema id. */
const familyResponses = FAMILIES.map((family) => {
  const task = z.literal(family.task);
  const schema =
    family.input === 'image'
      ? z.object({ rocket, image, task, ...family.resultFields, timing })
      : z.object({
          rocket,
          task,
          ...family.resultFields,
          timing: z.object({ inferenceMs: ms, totalMs: ms }),
        });
  return { family, schema: schema as z.ZodObject, id: `${capitalised(family.task)}Response` };
});
const imageResponses = familyResponses.filter((r) => r.family.input === 'image');

/** Any /process JSON result. */
export const processResult = z.union(atLeastTwo(familyResponses.map((r) => r.schema)));
/** One /process result, or an array of them (several files). */
export const processResults = z
  .union([processResult, z.array(processResult)])
  .describe('One result; a JSON array of results when several files were sent.');

const processingTimeMs = ms.describe('The same as timing.totalMs.');
/** POST /predict's answer: the result plus processingTimeMs. */
export const predictResponse = z.union(
  atLeastTwo(imageResponses.map((r) => r.schema.extend({ processingTimeMs }))),
);

const codes = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];
/** The catalogue's error body. */
export const errorBody = z.object({
  error: z.object({ code: z.enum(codes), message: z.string().describe('For people; may change.') }),
});

/** GET /health. */
export const health = z.union([
  z.object({
    status: z.literal('ok'),
    rocket: rocket.extend({ task: z.string(), source: z.string() }),
    device: z.string(),
    executionProvider: z.string(),
    workers: z.number().int(),
  }),
  z.object({ status: z.enum(['loading', 'draining']) }),
  z.object({ status: z.literal('failed'), error: z.string() }),
]);
/** GET /livez and /readyz. */
export const status = z.object({ status: z.string() });

/** POST /predict's JSON body. */
export const predictRequest = z.object({
  image: z.string().describe('The image, base64 (a data: URL prefix is accepted).'),
  model: z.string().optional().describe("The rocket's name; another name is refused."),
});
/** Tabular rows as JSON (POST /process). */
export const tabularRows = z.object({
  inputs: z
    .array(z.union([z.array(z.number()), z.record(z.string(), z.number())]))
    .describe('Rows: arrays of feature values, or objects of named fields (rockets with a mapping file).'),
});

// biome-ignore format: one registration per line reads better
const REQUESTS: [z.ZodType, string][] = [
  [v2.v2InferenceRequest, 'V2InferenceRequest'], [v2.v2RequestInput, 'V2RequestInput'],
  [v2.v2RequestOutput, 'V2RequestOutput'], [v2.v2Parameters, 'V2Parameters'],
  [predictRequest, 'PredictRequest'], [tabularRows, 'TabularRows'],
];
// biome-ignore format: one registration per line reads better
const RESPONSES: [z.ZodType, string][] = [
  [v2.v2InferenceResponse, 'V2InferenceResponse'], [v2.v2ResponseOutput, 'V2ResponseOutput'],
  [v2.v2ModelMetadata, 'V2ModelMetadata'], [v2.v2TensorMetadata, 'V2TensorMetadata'],
  [v2.v2ServerMetadata, 'V2ServerMetadata'], [v2.v2Error, 'V2Error'], [v2.v2Live, 'V2Live'],
  [v2.v2Ready, 'V2Ready'], [v2.v2ModelReady, 'V2ModelReady'],
  [timing, 'Timing'], ...familyResponses.map((r): [z.ZodType, string] => [r.schema, r.id]),
  [processResult, 'ProcessResult'], [processResults, 'ProcessResults'],
  [predictResponse, 'PredictResponse'], [errorBody, 'Error'], [health, 'Health'], [status, 'Status'],
];
for (const [schema, id] of REQUESTS) requestSchemas.add(schema, { id });
for (const [schema, id] of RESPONSES) responseSchemas.add(schema, { id });
