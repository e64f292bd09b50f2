import * as v2 from '../v2/schemas.js';
import { binary } from './common.js';
import type { OperationDoc, ResponseDoc, RouteDocs } from './types.js';

const v2Error = (description: string): ResponseDoc => ({
  description,
  content: { 'application/json': v2.v2Error },
});
const NAME = { name: "The rocket's name (its manifest name, or the model file's name)." };
const VERSION = { ...NAME, version: "The rocket's version." };
const TAGS = ['v2 (Open Inference Protocol)'];

const metadata = (pathParams: Record<string, string>): OperationDoc => ({
  summary: 'Model metadata: inputs and outputs with datatype and shape (-1: variable)',
  tags: TAGS,
  pathParams,
  responses: {
    '200': { description: 'The model metadata.', content: { 'application/json': v2.v2ModelMetadata } },
    '404': v2Error('Unknown model or version.'),
  },
});

const ready = (pathParams: Record<string, string>): OperationDoc => ({
  summary: 'Model readiness: 200 when ready, 400 when not',
  tags: TAGS,
  pathParams,
  responses: {
    '200': { description: 'Ready.', content: { 'application/json': v2.v2ModelReady } },
    '400': { description: 'Not ready yet.', content: { 'application/json': v2.v2ModelReady } },
    '404': v2Error('Unknown model or version.'),
  },
});

const infer = (pathParams: Record<string, string>): OperationDoc => ({
  summary: 'Inference on raw tensors (JSON, or the binary tensor data extension)',
  description:
    'JSON tensors in `inputs[].data` (flat or nested, row-major), or binary tensor data: the JSON ' +
    'request, then each input with `parameters.binary_data_size` as little-endian bytes in order, ' +
    'with `Inference-Header-Content-Length` giving the JSON length. Outputs with ' +
    '`parameters.binary_data` (or all, with `binary_data_output`) come back the same way.',
  tags: TAGS,
  pathParams,
  headers: {
    'Inference-Header-Content-Length': {
      doc: 'Length of the JSON request at the start of the body (binary tensor data extension).',
      schema: { type: 'integer', minimum: 0 },
    },
  },
  requestBody: {
    required: true,
    content: { 'application/json': v2.v2InferenceRequest, 'application/octet-stream': binary },
  },
  responses: {
    '200': {
      description: 'The outputs; binary outputs follow the JSON (application/octet-stream).',
      content: { 'application/json': v2.v2InferenceResponse, 'application/octet-stream': binary },
      headers: {
        'Inference-Header-Content-Length': {
          description: 'Length of the JSON response, when binary outputs follow it.',
          schema: { type: 'integer' },
        },
      },
    },
    '400': v2Error('Bad request: malformed JSON, unknown input or output, wrong datatype or shape.'),
    '404': v2Error('Unknown model or version.'),
    '413': v2Error('The body is larger than MAX_UPLOAD_BYTES.'),
    '401': v2Error('API_KEY is set and the request has no valid key (X-Error-Code: UNAUTHORIZED).'),
    '429': v2Error(
      'Too many requests in flight or queued; retry after Retry-After (X-Error-Code: OVERLOADED).',
    ),
    '500': v2Error('The model run failed (X-Error-Code names the catalogue code).'),
    '503': v2Error(
      'Not ready within STARTUP_WAIT_S, failed to load, or draining; retry after Retry-After (X-Error-Code: NOT_READY).',
    ),
  },
});

/** The Open Inference Protocol routes. */
export const v2Docs: RouteDocs = {
  'GET /v2': {
    summary: 'Server metadata: name, version, extensions',
    tags: TAGS,
    responses: {
      '200': { description: 'Server metadata.', content: { 'application/json': v2.v2ServerMetadata } },
    },
  },
  'GET /v2/health/live': {
    summary: 'Server liveness',
    tags: TAGS,
    responses: { '200': { description: 'Live.', content: { 'application/json': v2.v2Live } } },
  },
  'GET /v2/health/ready': {
    summary: 'Server readiness: 200 when ready, 400 when not',
    tags: TAGS,
    responses: {
      '200': { description: 'Ready.', content: { 'application/json': v2.v2Ready } },
      '400': { description: 'Not ready.', content: { 'application/json': v2.v2Ready } },
    },
  },
  'GET /v2/models/{name}': metadata(NAME),
  'GET /v2/models/{name}/versions/{version}': metadata(VERSION),
  'GET /v2/models/{name}/ready': ready(NAME),
  'GET /v2/models/{name}/versions/{version}/ready': ready(VERSION),
  'POST /v2/models/{name}/infer': infer(NAME),
  'POST /v2/models/{name}/versions/{version}/infer': infer(VERSION),
};
