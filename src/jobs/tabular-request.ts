import { RocketError } from '../errors.js';
import type { TabularSpec } from '../rocket/types.js';
import { rowFromQuery, rowsFromCsv, rowsFromJson } from '../tabular/rows.js';
import { applyFieldMapping, parseFieldMapping } from './mapping.js';
import { isImageType, type StoredBody } from './stored-request.js';

/** A tabular upload: a multipart file (`multipart: true`) or a raw body, and its media type. */
export interface TabularUpload {
  data: Buffer;
  type: string;
  multipart: boolean;
}

const parseJson = (data: Buffer): unknown => {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new RocketError('INVALID_INPUT', `The body is not valid JSON: ${(err as Error).message}`);
  }
};

/**
 * The stored body of a tabular job, its rows checked at submit by /process's own readers: JSON
 * rows (`application/json`), a CSV file (a multipart file, or a `text/csv`, `application/octet-stream`
 * or `image/*` body, as /process reads them), or, with no body at all, one row from the query
 * string. A mapping file renames the upload's fields to the rocket's features: the rows are then
 * stored as JSON arrays in the model's feature order, which any tabular rocket takes.
 * @throws RocketError INVALID_INPUT, UNKNOWN_PARAMETER, UNSUPPORTED_MEDIA_TYPE, EMPTY_INPUT
 */
export function tabularBody(
  upload: TabularUpload | null,
  mapping: Buffer | null,
  search: URLSearchParams,
  tab: TabularSpec,
): StoredBody {
  if (!upload) {
    if (mapping)
      throw new RocketError(
        'MISSING_INPUT',
        'A mapping renames the fields of a file: send the file as "input"',
      );
    rowFromQuery(search, tab);
    return { contentType: '', body: Buffer.alloc(0) };
  }
  if ([...search.keys()].length > 0) {
    throw new RocketError(
      'UNKNOWN_PARAMETER',
      'A tabular request takes rows from the body or from the query string, not both',
    );
  }
  const json = upload.type === 'application/json';
  if (!json && !upload.multipart && upload.type !== 'text/csv' && !isImageType(upload.type)) {
    throw new RocketError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Expected application/json, text/csv or multipart/form-data but received "${upload.type || '(none)'}"`,
    );
  }
  if (upload.data.length === 0) throw new RocketError('EMPTY_INPUT', 'The uploaded file is empty');
  if (mapping) {
    const rows = applyFieldMapping({ data: upload.data, json }, parseFieldMapping(mapping, tab), tab);
    return { contentType: 'application/json', body: Buffer.from(JSON.stringify(rows)) };
  }
  if (json) {
    rowsFromJson(parseJson(upload.data), tab);
    return { contentType: 'application/json', body: upload.data };
  }
  rowsFromCsv(upload.data.toString('utf8'), tab);
  return { contentType: 'text/csv', body: upload.data };
}
