/** One multipart part: a file when `filename` is set, a text field otherwise. */
interface Part {
  name: string;
  data: Buffer | string;
  filename?: string;
  type?: string;
}

/** Encodes parts as a multipart/form-data body, byte for byte, so tests control every detail. */
export function multipart(
  parts: Part[],
  boundary = 'rocketserve-test-boundary',
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? `\r\nContent-Type: ${part.type ?? 'application/octet-stream'}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POSTs an image file as the `input` part, the way `curl -F input=@file` does. */
export async function postImage(
  url: string,
  image: Buffer,
  query = '',
  filename = 'image.jpg',
  headers: Record<string, string> = {},
): Promise<Response> {
  const { body, contentType } = multipart([{ name: 'input', filename, data: image, type: 'image/jpeg' }]);
  return fetch(`${url}/process${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
}

/** Builds a PNG whose IHDR claims `width × height` pixels, with valid CRCs and a tiny IDAT. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const { crc32, deflateSync } = await import('node:zlib');
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A response body as the tests read it: any JSON. */
// biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary response JSON
export type Json = any;

/** Reads a response body as JSON. */
export const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;
