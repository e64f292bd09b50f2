import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { blockedClass, embeddedIPv4 } from '../../src/jobs/webhooks/address-class.js';
import {
  checkWebhookUrl,
  type HostResolver,
  pinnedLookup,
  resolveWebhookHost,
} from '../../src/jobs/webhooks/address-guard.js';
import { rejected } from '../helpers/errors.js';

/** A resolver answering from a table, as DNS would (ENOTFOUND for other names). */
function fakeDns(table: Record<string, string[]>): HostResolver {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('blockedClass', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['fd00::1', 'unique local (ULA)'],
    ['fc00::abcd', 'unique local (ULA)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['fec0::1', 'site-local'],
    // IPv6 forms of IPv4 addresses are judged by the IPv4 address they reach
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['::127.0.0.1', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(blockedClass(address)).toBe(expected);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('%s is public', (address) => {
    expect(blockedClass(address)).toBeUndefined();
  });

  it('reads the IPv4 address inside mapped, NAT64 and 6to4 addresses', () => {
    expect(embeddedIPv4('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(embeddedIPv4('::ffff:102:304')).toBe('1.2.3.4');
    expect(embeddedIPv4('64:ff9b::102:304')).toBe('1.2.3.4');
    expect(embeddedIPv4('2002:102:304:1::1')).toBe('1.2.3.4');
    expect(embeddedIPv4('2606:4700::1111')).toBeUndefined();
  });
});

describe('checkWebhookUrl', () => {
  it.each([
    ['ftp://example.com/hook', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['not a url', /http or https/],
    ['http://user:secret@example.com/hook', /credentials/],
  ])('refuses %s', async (url, message) => {
    const err = await rejected(checkWebhookUrl(url, true, fakeDns({ 'example.com': ['8.8.8.8'] })));
    expect(err.code).toBe('WEBHOOK_URL_INVALID');
    expect(err.message).toMatch(message);
  });

  it.each([
    ['http://localhost:8080/hook', 'loopback'],
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://2130706433/hook', 'loopback'],
    ['http://0x7f.1/hook', 'loopback'],
    ['http://[::1]/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://10.0.0.5/hook', 'private'],
    ['https://100.64.1.1/hook', 'CGNAT'],
    ['https://[fd12:3456::1]/hook', 'unique local (ULA)'],
    ['http://0.0.0.0:9000/', 'unspecified'],
  ])('refuses %s by default, naming its address class (%s)', async (url, name) => {
    const err = await rejected(checkWebhookUrl(url, false));
    expect(err.code).toBe('WEBHOOK_URL_INVALID');
    expect(err.message).toContain(`a ${name} address`);
  });

  it('refuses a name with one private address among public ones', async () => {
    const dns = fakeDns({ 'mixed.example': ['8.8.8.8', '2606:4700::1', '10.0.0.1'] });
    const err = await rejected(checkWebhookUrl('https://mixed.example/hook', false, dns));
    expect(err.code).toBe('WEBHOOK_URL_INVALID');
    expect(err.message).toContain('10.0.0.1, a private address');
  });

  it('refuses a host that does not resolve', async () => {
    const err = await rejected(checkWebhookUrl('https://nowhere.example/hook', true, fakeDns({})));
    expect(err.code).toBe('WEBHOOK_URL_INVALID');
    expect(err.message).toMatch(/does not resolve \(ENOTFOUND\)/);
  });

  it('accepts public addresses, and private ones with WEBHOOK_ALLOW_PRIVATE', async () => {
    const dns = fakeDns({ 'hooks.example': ['8.8.8.8', '2606:4700::1'] });
    expect((await checkWebhookUrl('https://hooks.example/a?b=c', false, dns)).href).toBe(
      'https://hooks.example/a?b=c',
    );
    expect((await checkWebhookUrl('http://93.184.215.14/hook', false)).hostname).toBe('93.184.215.14');
    expect((await checkWebhookUrl('http://localhost:8080/hook', true)).port).toBe('8080');
    expect((await checkWebhookUrl('http://169.254.169.254/', true)).hostname).toBe('169.254.169.254');
  });
});

describe('the connection-time guard', () => {
  it('checks the addresses again when the delivery is sent', async () => {
    const err = await rejected(resolveWebhookHost('localhost', false));
    expect(err.code).toBe('WEBHOOK_URL_INVALID');
    expect(await resolveWebhookHost('localhost', true)).not.toHaveLength(0);
  });

  it('answers every lookup with the addresses it was given, whatever the name', async () => {
    const checked: LookupAddress[] = [
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ];
    const lookup = pinnedLookup(checked);
    const ask = (options: object) =>
      new Promise<unknown>((resolve, reject) =>
        lookup('rebound.example', options, (err, address, family) =>
          err ? reject(err) : resolve(family === undefined ? address : { address, family }),
        ),
      );
    expect(await ask({ all: true })).toEqual(checked);
    expect(await ask({})).toEqual({ address: '8.8.8.8', family: 4 });
    expect(await ask({ family: 6 })).toEqual({ address: '2606:4700::1', family: 6 });
    expect(await ask({ family: 'IPv6', all: true })).toEqual([checked[1]]);
  });
});
