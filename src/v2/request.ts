import type { z } from 'zod';
import { badRequest } from './errors.js';
import { type V2InferenceRequest, v2InferenceRequest } from './schemas.js';

/** An infer body split into its JSON request and the binary tensor data that follows it. */
export interface InferBody {
  request: V2InferenceRequest;
  binary: Uint8Array;
}

/**
 * Splits an infer body: with `Inference-Header-Content-Length` (binary tensor data extension) the
 * JSON is that many leading bytes and the rest is binary data; without it, the whole body is JSON.
 * Malformed JSON and requests that do not match the schema are 400s saying where.
 */
export function parseInferBody(body: Uint8Array, headerLength: string | string[] | undefined): InferBody {
  let jsonLength = body.length;
  if (headerLength !== undefined) {
    const text = Array.isArray(headerLength) ? headerLength.join(',') : headerLength;
    const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > body.length) {
      throw badRequest(
        `Inference-Header-Content-Length must be an integer from 0 to the body length (${body.length}) but is "${text}"`,
      );
    }
    jsonLength = n;
  }
  const text = Buffer.from(body.buffer, body.byteOffset, jsonLength).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw badRequest(`The inference request is not valid JSON: ${(err as Error).message}`);
  }
  const result = v2InferenceRequest.safeParse(parsed);
  if (!result.success) throw badRequest(`Invalid inference request: ${describeIssues(result.error)}`);
  return { request: result.data, binary: body.subarray(jsonLength) };
}

/** zod issues as `inputs[0].shape: message; ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
        .join('');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
