import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The URI of one line: the line itself, or a JSON string, or the `uri` of a JSON object. */
function uriOfLine(line: string, where: string): string {
  if (!line.startsWith('{') && !line.startsWith('"')) return line;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new Error(`${where} is not JSON: ${(err as Error).message}`);
  }
  const uri = typeof value === 'string' ? value : (value as { uri?: unknown } | null)?.uri;
  if (typeof uri !== 'string' || uri === '') {
    throw new Error(`Expected a URI, a JSON string or {"uri": "..."} for ${where} but received ${line}`);
  }
  return uri;
}

/**
 * The URIs a listing file names, read line by line (never the whole file): one per line, as text
 * or as JSON Lines (`"uri"` or `{"uri": "..."}`; other fields are ignored). Blank lines and lines
 * starting with `#` are skipped.
 * @throws Error naming the file and line of a JSON line without a URI
 */
export async function* listingUris(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const raw of lines) {
    number += 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    yield uriOfLine(line, `line ${number} of ${path}`);
  }
}
