import { processQuery } from '../http/params.js';
import { binary, catalogueErrors } from './common.js';
import * as c from './components.js';
import type { RouteDocs } from './types.js';

const imageUpload = (field: string, many: boolean) => ({
  type: 'object',
  properties: {
    [field]: many
      ? {
          type: 'array',
          items: binary,
          description: 'One or more images (up to 16); JPEG, PNG, WebP, GIF, TIFF, AVIF, BMP.',
        }
      : { ...binary, description: 'The image.' },
  },
  required: [field],
});

/** The core routes (/process, /health), the probes and metrics, and the compatibility routes. */
export const coreDocs: RouteDocs = {
  'POST /process': {
    summary: 'Run the rocket on an image (or on rows, for tabular rockets)',
    description:
      'Image rockets take the image as a multipart file part named `input` (several parts give a JSON array), ' +
      'or as the raw body with an image content type. Tabular rockets take JSON rows, a CSV file as `input`, ' +
      'or one row as query parameters named after the features. Query parameters override the rocket defaults.',
    tags: ['process'],
    query: processQuery,
    requestBody: {
      required: false,
      content: {
        'multipart/form-data': imageUpload('input', true),
        'image/*': binary,
        'application/octet-stream': binary,
        'application/json': c.tabularRows,
      },
    },
    responses: {
      '200': {
        description:
          'The result: JSON (per task), or an image for format=image (detect) or image-to-image rockets.',
        content: {
          'application/json': c.processResults,
          'image/jpeg': binary,
          'image/png': binary,
          'image/webp': binary,
        },
      },
      ...catalogueErrors(400, 401, 413, 415, 422, 429, 500, 503),
    },
  },
  'GET /health': {
    summary: 'The rocket, device and execution provider',
    tags: ['health'],
    responses: {
      '200': { description: 'Loaded and warmed up.', content: { 'application/json': c.health } },
      '503': { description: 'Loading, draining, or failed.', content: { 'application/json': c.health } },
    },
  },
  'GET /livez': {
    summary: 'Liveness: 200 while the process runs',
    tags: ['health'],
    responses: { '200': { description: 'Alive.', content: { 'application/json': c.status } } },
  },
  'GET /readyz': {
    summary: 'Readiness: 200 once the rocket is loaded, 503 before and while draining',
    tags: ['health'],
    responses: {
      '200': { description: 'Ready.', content: { 'application/json': c.status } },
      '503': { description: 'Not ready.', content: { 'application/json': c.status } },
    },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    tags: ['health'],
    responses: {
      '200': { description: 'Prometheus text format.', content: { 'text/plain': { type: 'string' } } },
      ...catalogueErrors(401),
    },
  },
  'GET /isAlive': {
    summary: 'Liveness for clients of Flask-style apps: `true`',
    tags: ['compatibility'],
    responses: {
      '200': { description: 'Alive.', content: { 'application/json': { type: 'boolean', const: true } } },
    },
  },
  'GET /prediction': {
    summary: 'One tabular prediction from query parameters (`/prediction/?f=0.05` → `199.57`)',
    tags: ['compatibility'],
    freeQuery: {
      name: 'features',
      doc: "One parameter per feature, named as in the rocket's mapping file.",
      values: { type: 'number' },
    },
    responses: {
      '200': {
        description: 'The value, or the label, of the prediction.',
        content: { 'application/json': { type: ['number', 'string', 'null'] } },
      },
      ...catalogueErrors(400, 401, 429, 503),
    },
  },
  'POST /classify': {
    summary: 'Classify an image sent as the multipart file `image`: `{"class": "8"}`',
    tags: ['compatibility'],
    requestBody: { required: true, content: { 'multipart/form-data': imageUpload('image', false) } },
    responses: {
      '200': {
        description: 'The top-1 label.',
        content: {
          'application/json': {
            type: 'object',
            properties: { class: { type: 'string' } },
            required: ['class'],
          },
        },
      },
      ...catalogueErrors(400, 401, 413, 415, 422, 429, 503),
    },
  },
  'POST /predict': {
    summary: 'Run the rocket on a base64 image in JSON (YOLOv5-style apps)',
    tags: ['compatibility'],
    requestBody: { required: true, content: { 'application/json': c.predictRequest } },
    responses: {
      '200': {
        description: 'The /process result plus processingTimeMs.',
        content: { 'application/json': c.predictResponse },
      },
      ...catalogueErrors(400, 401, 404, 413, 415, 422, 429, 503),
    },
  },
};
