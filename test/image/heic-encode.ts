/** One ISO-BMFF box: size, type, payload. */
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A full box: version and flags, then the payload. */
const fullBox = (type: string, version: number, ...payload: Buffer[]) =>
  box(type, Buffer.from([version, 0, 0, 0]), ...payload);

const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
};

/**
 * A structurally valid HEIC file as a phone writes one: `ftyp` (heic, mif1), and a `meta` box
 * whose primary item is an `hvc1` image with its `hvcC` decoder configuration and `ispe` size,
 * located by `iloc` in the `mdat` that follows. `brands`: the major brand, then the compatible
 * ones. The coded HEVC data is a stub: the structure is what readers look at before decoding
 * (sharp reads its metadata as `heif`, compression `hevc`).
 */
export function encodeHeicHeader(width: number, height: number, brands = ['heic', 'mif1', 'heic']): Buffer {
  const [major = 'heic', ...compatible] = brands;
  const ftyp = box('ftyp', Buffer.from(major), u32(0), Buffer.from(compatible.join('')));
  const hdlr = fullBox('hdlr', 0, u32(0), Buffer.from('pict'), Buffer.alloc(12), Buffer.from([0]));
  const pitm = fullBox('pitm', 0, u16(1));
  const infe = fullBox('infe', 2, u16(1), u16(0), Buffer.from('hvc1'), Buffer.from([0]));
  const iinf = fullBox('iinf', 0, u16(1), infe);
  // HEVCDecoderConfigurationRecord: version 1, Main profile, level 3.0, 4-byte NAL lengths, no arrays.
  const hvcC = box(
    'hvcC',
    Buffer.from([
      1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 90, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0,
    ]),
  );
  const ispe = fullBox('ispe', 0, u32(width), u32(height));
  const ipco = box('ipco', hvcC, ispe);
  const ipma = fullBox('ipma', 0, u32(1), u16(1), Buffer.from([2, 0x81, 0x02]));
  const iprp = box('iprp', ipco, ipma);
  const coded = Buffer.from([0, 0, 0, 4, 0x26, 0x01, 0xaf, 0x00]);
  const ilocFor = (offset: number) =>
    fullBox(
      'iloc',
      0,
      Buffer.from([0x44, 0x00]),
      u16(1),
      u16(1),
      u16(0),
      u16(1),
      u32(offset),
      u32(coded.length),
    );
  const metaFor = (offset: number) => fullBox('meta', 0, hdlr, pitm, ilocFor(offset), iinf, iprp);
  const before = ftyp.length + metaFor(0).length + 8;
  return Buffer.concat([ftyp, metaFor(before), box('mdat', coded)]);
}
