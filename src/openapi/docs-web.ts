import { binary, html } from './common.js';
import type { RouteDocs } from './types.js';

const page = (summary: string) => ({
  summary,
  tags: ['docs'],
  responses: { '200': { description: 'The page.', content: html } },
});

const asset = (summary: string, param: string) => ({
  summary,
  tags: ['docs'],
  pathParams: { [param]: 'The file name.' },
  responses: {
    '200': { description: 'The file, with Cache-Control and ETag.', content: { '*/*': binary } },
    '304': { description: 'Not modified (If-None-Match).' },
    '404': { description: 'No such file.' },
  },
});

/** The OpenAPI document, Swagger UI and the web playground. */
export const webDocs: RouteDocs = {
  'GET /openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    tags: ['docs'],
    responses: {
      '200': { description: 'The document.', content: { 'application/json': { type: 'object' } } },
    },
  },
  'GET /docs': page('Swagger UI for this document'),
  'GET /swagger': page('Swagger UI (alias of /docs)'),
  'GET /docs/{file}': asset("Swagger UI's files (from the swagger-ui-dist package)", 'file'),
  'GET /': page('The web playground: drop an image, see the results'),
  'GET /static/{file}': asset("The playground's scripts and styles", 'file'),
  'GET /playground.json': {
    summary:
      "What the playground shows for the rocket's task: its panels, its request and the rocket's thresholds",
    tags: ['docs'],
    responses: {
      '200': {
        description: "The task family's view.",
        content: {
          'application/json': {
            type: 'object',
            properties: {
              task: { type: 'string' },
              panels: { type: 'array', items: { type: 'string' } },
              query: { type: 'object', additionalProperties: { type: 'number' } },
              accept: { type: 'string' },
              thresholds: {
                type: 'object',
                description: "The rocket's default thresholds, where the sliders start.",
                additionalProperties: true,
              },
            },
          },
        },
      },
      '503': { description: 'The rocket is still loading (NOT_READY).' },
    },
  },
};
