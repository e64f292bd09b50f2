import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LambdaHttpEvent } from '../../src/lambda/events.js';

/** A recorded event shape from AWS's documentation (`fixtures/<name>.json`), with the body filled in. */
export function fixture(name: string, body?: Buffer, contentType?: string): LambdaHttpEvent {
  const event = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));
  if (body) event.body = body.toString('base64');
  if (contentType) event.headers['content-type'] = contentType;
  return event as LambdaHttpEvent;
}
