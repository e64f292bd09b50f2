import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * The kinds of address a webhook must not reach while WEBHOOK_ALLOW_PRIVATE=false: everything but
 * public unicast. Named in WEBHOOK_URL_INVALID messages.
 */
export type BlockedClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'CGNAT'
  | 'unique local (ULA)'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

/** [class, network, prefix length], from IANA's special-purpose registries; the first match names it. */
const IPV4: readonly [BlockedClass, string, number][] = [
  ['unspecified', '0.0.0.0', 8],
  ['loopback', '127.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  // 169.254.169.254 is the cloud metadata service (AWS, GCP, Azure).
  ['link-local', '169.254.0.0', 16],
  ['CGNAT', '100.64.0.0', 10],
  ['multicast', '224.0.0.0', 4],
  ['broadcast', '255.255.255.255', 32],
  ['reserved', '240.0.0.0', 4],
  ['reserved', '192.0.0.0', 24], // IETF protocol assignments
  ['reserved', '192.0.2.0', 24], // documentation
  ['reserved', '198.51.100.0', 24], // documentation
  ['reserved', '203.0.113.0', 24], // documentation
  ['reserved', '198.18.0.0', 15], // benchmarking
  ['reserved', '192.88.99.0', 24], // 6to4 relay anycast
];

const IPV6: readonly [BlockedClass, string, number][] = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['link-local', 'fe80::', 10],
  ['unique local (ULA)', 'fc00::', 7],
  ['site-local', 'fec0::', 10],
  ['multicast', 'ff00::', 8],
  ['reserved', '::', 96], // IPv4-compatible (deprecated)
  ['reserved', '100::', 64], // discard-only
  ['reserved', '2001:db8::', 32], // documentation
  ['reserved', '64:ff9b:1::', 48], // local-use NAT64
];

function blockLists(table: readonly [BlockedClass, string, number][], family: 'ipv4' | 'ipv6') {
  return table.map(([name, network, prefix]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [name, list] as const;
  });
}

const V4_LISTS = blockLists(IPV4, 'ipv4');
const V6_LISTS = blockLists(IPV6, 'ipv6');

/** The 16-bit groups of one side of `::` in an IPv6 address (a trailing dotted quad gives two). */
function groups(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [Number.parseInt(group, 16)];
    const [a, b, c, d] = group.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

/** The 16 bytes of a valid IPv6 address in text form. */
function ipv6Bytes(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, ''];
  const front = groups(head);
  const back = groups(tail);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

/**
 * The IPv4 address an IPv6 address carries to an IPv4 host: IPv4-mapped (`::ffff:a.b.c.d`),
 * NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`); undefined for other addresses.
 */
export function embeddedIPv4(ipv6: string): string | undefined {
  const b = ipv6Bytes(ipv6);
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.subarray(12).join('.');
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return b.subarray(12).join('.');
  if (b[0] === 0x20 && b[1] === 0x02) return b.subarray(2, 6).join('.');
  return undefined;
}

/**
 * Why `address` (an IPv4 or IPv6 literal, as DNS returns it) is not a public unicast address, or
 * undefined when it is one. An IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64, 6to4) is
 * judged by the IPv4 address it reaches.
 */
export function blockedClass(address: string): BlockedClass | undefined {
  if (isIPv4(address)) return V4_LISTS.find(([, list]) => list.check(address, 'ipv4'))?.[0];
  const bare = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) does not change the class
  if (!isIPv6(bare)) return 'reserved';
  const ipv4 = embeddedIPv4(bare);
  if (ipv4 !== undefined) return blockedClass(ipv4);
  return V6_LISTS.find(([, list]) => list.check(bare, 'ipv6'))?.[0];
}
