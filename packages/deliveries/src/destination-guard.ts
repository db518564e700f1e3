import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@hookstream/core';

/** Hostname → every address it resolves to (A and AAAA). */
export type Resolve = (host: string) => Promise<string[]>;

export interface DestinationOptions {
  /** Allow private, loopback, link-local and other non-public addresses (development, on-premises endpoints). */
  allowPrivate: boolean;
  /** Allow plain http: endpoints; otherwise only https:, so payloads and signatures are not sent in clear. */
  allowHttp: boolean;
  /** Hostnames (exact, case-insensitive) or addresses/CIDRs that pass whatever they resolve to. */
  allowList?: readonly string[];
}

export type DestinationRefusal = 'invalid_url' | 'scheme' | 'plain_http' | 'credentials' | 'blocked_address' | 'unresolvable';

/**
 * Why an endpoint URL was refused. `reason` is for code, the message for the client who
 * configured the endpoint. Unresolvable hosts are retryable (DNS can recover); the rest are not.
 */
export class DestinationError extends AppError {
  readonly reason: DestinationRefusal;
  constructor(reason: DestinationRefusal, message: string, cause?: unknown) {
    const unresolvable = reason === 'unresolvable';
    super(unresolvable ? 'destination_unresolvable' : 'destination_refused', unresolvable ? 502 : 400, message, { retryable: unresolvable, cause });
    this.reason = reason;
  }
}

type Subnet = readonly [address: string, prefix: number];
interface AddressClass {
  name: string;
  v4?: readonly Subnet[];
  v6?: readonly Subnet[];
}

/**
 * Addresses a client-supplied URL must not reach. Named, so a refusal says which rule hit.
 * IPv4 rules also catch IPv4-mapped IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1): node's BlockList
 * matches those against IPv4 subnets itself, which the tests pin.
 */
const PRIVATE_CLASSES: readonly AddressClass[] = [
  { name: 'unspecified', v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
  { name: 'loopback', v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
  {
    name: 'private',
    v4: [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
    v6: [['fc00::', 7]],
  },
  { name: 'carrier-grade NAT', v4: [['100.64.0.0', 10]] },
  // fec0::/10 is deprecated site-local, still routed like a private range by some stacks.
  {
    name: 'link-local',
    v4: [['169.254.0.0', 16]],
    v6: [
      ['fe80::', 10],
      ['fec0::', 10],
    ],
  },
  { name: 'multicast', v4: [['224.0.0.0', 4]], v6: [['ff00::', 8]] },
  // 240/4 includes 255.255.255.255; the rest of it is reserved and never a real endpoint.
  { name: 'broadcast or reserved', v4: [['240.0.0.0', 4]] },
  // Special-purpose ranges that no public endpoint lives on; some networks route them internally.
  {
    name: 'special-purpose',
    v4: [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
    ],
    v6: [
      ['100::', 64],
      ['2001:db8::', 32],
    ],
  },
];

/**
 * Cloud instance metadata (AWS, GCP, Azure, OpenStack; AWS's IPv6 endpoint): it hands out
 * credentials to whoever asks from the instance, so it stays refused under allowPrivate too —
 * only an explicit allowList entry opens it.
 */
const METADATA: AddressClass = { name: 'cloud metadata', v4: [['169.254.169.254', 32]], v6: [['fd00:ec2::254', 128]] };

/** NAT64's well-known prefix embeds an IPv4 address that a NAT64 gateway then connects to. */
const NAT64 = '64:ff9b::';

function blockListOf(c: AddressClass): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of c.v4 ?? []) {
    list.addSubnet(address, prefix, 'ipv4');
    list.addSubnet(`${NAT64}${address}`, 96 + prefix, 'ipv6');
  }
  for (const [address, prefix] of c.v6 ?? []) list.addSubnet(address, prefix, 'ipv6');
  return list;
}

const PRIVATE_LISTS = PRIVATE_CLASSES.map((c) => ({ name: c.name, list: blockListOf(c) }));
const METADATA_LIST = { name: METADATA.name, list: blockListOf(METADATA) };

const family = (address: string): 'ipv4' | 'ipv6' | undefined => {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
};

/** Drops an IPv6 zone (fe80::1%eth0) a resolver may return; the class is the address's. */
const unzoned = (address: string): string => address.split('%', 1)[0] ?? address;

/** Hostname form used for comparisons: lower case, no trailing root dot, no IPv6 brackets. */
const normalHost = (host: string): string =>
  host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');

interface AllowList {
  hosts: ReadonlySet<string>;
  addresses: BlockList;
}

function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = normalHost(slash === -1 ? entry : entry.slice(0, slash));
    const fam = family(address);
    if (fam === undefined) {
      // A CIDR whose address part is no IP is a typo; failing loudly beats an entry that silently allows nothing.
      if (slash !== -1) throw new RangeError(`allowList entry "${entry}" is not a CIDR`);
      hosts.add(address);
      continue;
    }
    const max = fam === 'ipv4' ? 32 : 128;
    const digits = slash === -1 ? String(max) : entry.slice(slash + 1);
    // Digits only: Number('') is 0, and a "/0" read from "10.0.0.0/" would allow every address.
    const prefix = /^\d{1,3}$/.test(digits) ? Number(digits) : NaN;
    if (!(prefix >= 0 && prefix <= max)) throw new RangeError(`allowList entry "${entry}" has an invalid prefix length`);
    addresses.addSubnet(address, prefix, fam);
  }
  return { hosts, addresses };
}

const lookupAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * A checker for one set of options (allowList parsed once). It resolves to the addresses the
 * caller must connect to — and only to those: connecting by hostname would resolve again, and
 * a DNS answer that changed in between (rebinding) would bypass the check.
 */
export function createDestinationGuard(opts: DestinationOptions, resolve: Resolve = lookupAll): (url: string) => Promise<string[]> {
  const allow = parseAllowList(opts.allowList ?? []);
  const blockedBy = (address: string): string | undefined => {
    const fam = family(address);
    if (fam === undefined) return 'not an IP address';
    if (allow.addresses.check(address, fam)) return undefined;
    if (METADATA_LIST.list.check(address, fam)) return METADATA_LIST.name;
    if (opts.allowPrivate) return undefined;
    return PRIVATE_LISTS.find(({ list }) => list.check(address, fam))?.name;
  };

  return async (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (err) {
      throw new DestinationError('invalid_url', 'endpoint URL is not a valid absolute URL', err);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DestinationError('scheme', `endpoint URL must be http(s), not ${url.protocol}`);
    if (url.protocol === 'http:' && !opts.allowHttp) throw new DestinationError('plain_http', 'endpoint URL must use https');
    // Credentials in a URL end up in logs and in every redirect; endpoints authenticate by signature.
    if (url.username !== '' || url.password !== '') throw new DestinationError('credentials', 'endpoint URL must not contain credentials');
    // WHATWG parsing has already normalised IPv4 spellings (0x7f.1, 2130706433) to dotted quads.
    const host = normalHost(url.hostname);
    if (host === '') throw new DestinationError('invalid_url', 'endpoint URL has no host');
    const hostAllowed = allow.hosts.has(host);

    let addresses: string[];
    if (family(host) !== undefined) {
      addresses = [host];
    } else {
      try {
        addresses = (await resolve(host)).map(unzoned);
      } catch (err) {
        throw new DestinationError('unresolvable', `endpoint host ${host} does not resolve`, err);
      }
      if (addresses.length === 0) throw new DestinationError('unresolvable', `endpoint host ${host} resolved to no address`);
    }
    if (hostAllowed) return addresses;
    // Every address must pass, not just one: the connection may use any of them.
    for (const address of addresses) {
      const why = blockedBy(address);
      if (why !== undefined)
        throw new DestinationError('blocked_address', `endpoint host ${host} resolves to ${address} (${why}), which deliveries may not reach`);
    }
    return addresses;
  };
}

/** One-off check; prefer createDestinationGuard when one set of options checks many URLs. */
export function checkDestination(url: string, opts: DestinationOptions, resolve?: Resolve): Promise<string[]> {
  return createDestinationGuard(opts, resolve)(url);
}
