import { gzipSync } from 'node:zlib';

/** One entry of a hand-made tar archive: the raw header fields, however unsafe. */
export interface TarEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'chardev';
  data?: Buffer | string;
  linkpath?: string;
}

const FLAGS = { file: '0', hardlink: '1', symlink: '2', chardev: '3', dir: '5', fifo: '6' } as const;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header, byte for byte, with its checksum. */
function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  const type = entry.type ?? 'file';
  h.write(entry.path, 0, 100, 'utf8');
  h.write(octal(type === 'dir' ? 0o755 : 0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(FLAGS[type], 156, 'ascii');
  h.write(entry.linkpath ?? '', 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/**
 * A gzip-compressed tar archive written by hand, so tests can build archives no well-behaved tool
 * would write: absolute paths, `..`, links pointing anywhere, devices.
 */
export function craftTarGz(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.type === undefined || entry.type === 'file' ? (entry.data ?? '') : '');
    blocks.push(header(entry, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
