import type { LookupAddress } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { expected, RocketError } from '../../errors.js';
import { blockedClass } from './address-class.js';

/** Resolves a host name to every address it has (dns.promises.lookup with `all: true`); injectable for tests. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo, as http.request would use it), every address. */
export const systemResolver: HostResolver = (hostname) =>
  systemLookup(hostname, { all: true, verbatim: true });

/** The host name of `url` as DNS takes it: without the brackets of an IPv6 literal. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves `hostname` and, unless `allowPrivate`, throws WEBHOOK_URL_INVALID when any of its
 * addresses is not public unicast (loopback, private, link-local, CGNAT, ULA...), naming the
 * address and its class. A host with one bad address among good ones is refused whole, since the
 * connection may use any of them. DNS errors are thrown as they are (they may be transient).
 */
export async function resolveWebhookHost(
  hostname: string,
  allowPrivate: boolean,
  resolve: HostResolver = systemResolver,
): Promise<LookupAddress[]> {
  const addresses = await resolve(hostname);
  if (addresses.length === 0)
    throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENODATA' });
  if (allowPrivate) return addresses;
  for (const { address } of addresses) {
    const blocked = blockedClass(address);
    if (blocked)
      throw new RocketError(
        'WEBHOOK_URL_INVALID',
        `The webhook host ${hostname} resolves to ${address}, a ${blocked} address; webhooks go to public addresses only unless WEBHOOK_ALLOW_PRIVATE=true`,
      );
  }
  return addresses;
}

/**
 * The syntactic rules of a webhook URL: http or https, without credentials. Throws
 * WEBHOOK_URL_INVALID saying which rule failed.
 */
export function parseWebhookUrl(url: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new RocketError('WEBHOOK_URL_INVALID', expected('an http or https URL', 'webhook', url));
  if (parsed.username !== '' || parsed.password !== '')
    throw new RocketError(
      'WEBHOOK_URL_INVALID',
      'The webhook URL carries credentials (user:password@); put a token in its path or query instead',
    );
  return parsed;
}

/**
 * Checks a job's webhook URL when the job is submitted: parseWebhookUrl's rules, and a host that
 * resolves, to public addresses only unless `allowPrivate` (resolveWebhookHost). Throws
 * WEBHOOK_URL_INVALID saying which rule failed. The sender checks the addresses again when it
 * connects, since DNS may have changed since (see pinnedLookup).
 */
export async function checkWebhookUrl(
  url: string,
  allowPrivate: boolean,
  resolve: HostResolver = systemResolver,
): Promise<URL> {
  const parsed = parseWebhookUrl(url);
  try {
    await resolveWebhookHost(urlHost(parsed), allowPrivate, resolve);
  } catch (err) {
    if (err instanceof RocketError) throw err;
    const code = (err as { code?: string }).code ?? String(err);
    throw new RocketError(
      'WEBHOOK_URL_INVALID',
      `The webhook host ${parsed.hostname} does not resolve (${code})`,
      {
        cause: err,
      },
    );
  }
  return parsed;
}

/**
 * A `lookup` for http.request that answers with `addresses` whatever it is asked, so the request
 * connects to exactly the addresses resolveWebhookHost checked: a DNS answer that changes between
 * the check and the connection (DNS rebinding) cannot send it elsewhere.
 */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = addresses.filter((a) => !family || a.family === family);
    if (usable.length === 0) {
      const err = Object.assign(new Error(`no IPv${family} address among the checked ones`), {
        code: 'ENOTFOUND',
      });
      callback(err, '', 0);
    } else if (options.all) callback(null, usable as LookupAddress[]);
    else callback(null, usable[0].address, usable[0].family);
  };
}
