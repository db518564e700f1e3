import { describe, expect, it } from 'vitest';
import { checkDestination, createDestinationGuard, DestinationError, type DestinationOptions, type Resolve } from './destination-guard.js';

const STRICT: DestinationOptions = { allowPrivate: false, allowHttp: false };
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

/** A resolver answering from a table, so no test depends on real DNS. */
const table =
  (answers: Record<string, string[]>): Resolve =>
  async (host) => {
    const found = answers[host];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

async function refusal(promise: Promise<unknown>): Promise<DestinationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DestinationError);
  return err as DestinationError;
}

describe('URL shape', () => {
  it.each([
    ['not a URL', 'example.com/hook', 'invalid_url'],
    ['empty', '', 'invalid_url'],
    ['ftp', 'ftp://example.com/hook', 'scheme'],
    ['file', 'file:///etc/passwd', 'scheme'],
    ['javascript', 'javascript:alert(1)', 'scheme'],
    ['plain http', 'http://example.com/hook', 'plain_http'],
    ['user and password', 'https://user:pass@example.com/hook', 'credentials'],
    ['user only', 'https://user@example.com/hook', 'credentials'],
    ['password only', 'https://:pass@example.com/hook', 'credentials'],
  ])('refuses %s', async (_label, url, reason) => {
    const err = await refusal(checkDestination(url, STRICT, table({ 'example.com': [PUBLIC_V4] })));
    expect(err).toMatchObject({ reason, code: 'destination_refused', httpStatus: 400, retryable: false });
  });

  it('allows http only with allowHttp', async () => {
    await expect(checkDestination('http://example.com/hook', { ...STRICT, allowHttp: true }, table({ 'example.com': [PUBLIC_V4] }))).resolves.toEqual([
      PUBLIC_V4,
    ]);
  });

  it('checks the scheme before resolving, so refused URLs cost no DNS query', async () => {
    let asked = 0;
    const counting: Resolve = async () => {
      asked += 1;
      return [PUBLIC_V4];
    };
    await refusal(checkDestination('http://example.com/', STRICT, counting));
    await refusal(checkDestination('https://u:p@example.com/', STRICT, counting));
    expect(asked).toBe(0);
  });
});

describe('public destinations', () => {
  it('resolves to every address of the host, in the order the resolver gave', async () => {
    const resolve = table({ 'hooks.example.com': [PUBLIC_V6, PUBLIC_V4] });
    await expect(checkDestination('https://hooks.example.com:8443/in?x=1', STRICT, resolve)).resolves.toEqual([PUBLIC_V6, PUBLIC_V4]);
  });

  it('compares host names case-insensitively and without the root dot', async () => {
    const resolve = table({ 'hooks.example.com': [PUBLIC_V4] });
    await expect(checkDestination('https://HOOKS.Example.com./in', STRICT, resolve)).resolves.toEqual([PUBLIC_V4]);
  });

  it.each([PUBLIC_V4, '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.253.255.255', '192.169.0.1'])(
    'accepts the IPv4 literal %s without resolving',
    async (ip) => {
      const never: Resolve = async () => expect.unreachable('an IP literal needs no lookup');
      await expect(checkDestination(`https://${ip}/hook`, STRICT, never)).resolves.toEqual([ip]);
    },
  );

  it.each([PUBLIC_V6, '2001:4860:4860::8888', '2a00:1450::1'])('accepts the IPv6 literal %s', async (ip) => {
    await expect(checkDestination(`https://[${ip}]/hook`, STRICT, table({}))).resolves.toEqual([ip]);
  });

  it('accepts an IPv4-mapped public address', async () => {
    await expect(checkDestination('https://[::ffff:8.8.8.8]/', STRICT, table({}))).resolves.toEqual(['::ffff:808:808']);
  });

  it('uses the system resolver by default', async () => {
    // "localhost" resolves without network access, and to loopback, so the default refuses it.
    const err = await refusal(checkDestination('https://localhost/', STRICT));
    expect(err.reason).toBe('blocked_address');
    expect(err.message).toMatch(/loopback/);
  });
});

describe('refused addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast or reserved'],
    ['240.0.0.1', 'broadcast or reserved'],
    ['198.18.0.1', 'special-purpose'],
    ['169.254.169.254', 'cloud metadata'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['0:0:0:0:0:ffff:c0a8:101', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
  ])('refuses %s (%s) when a hostname resolves to it', async (address, why) => {
    const err = await refusal(checkDestination('https://evil.example/', STRICT, table({ 'evil.example': [address] })));
    expect(err).toMatchObject({ reason: 'blocked_address', retryable: false });
    expect(err.message).toContain(`(${why})`);
  });

  it.each([
    ['https://127.0.0.1/', 'loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://[fe80::1]:8080/', 'link-local'],
    ['https://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    // WHATWG URL parsing turns these IPv4 spellings into 127.0.0.1 before the check sees them.
    ['https://2130706433/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://127.1/', 'loopback'],
    ['https://0/', 'unspecified'],
  ])('refuses the literal %s', async (url, why) => {
    const err = await refusal(checkDestination(url, STRICT, table({})));
    expect(err.reason).toBe('blocked_address');
    expect(err.message).toContain(`(${why})`);
  });

  it('refuses when any one address is blocked, whatever the order (DNS rebinding)', async () => {
    for (const answer of [
      [PUBLIC_V4, '10.0.0.5'],
      ['10.0.0.5', PUBLIC_V4],
      [PUBLIC_V6, PUBLIC_V4, '::1'],
    ]) {
      const err = await refusal(checkDestination('https://mixed.example/', STRICT, table({ 'mixed.example': answer })));
      expect(err.reason).toBe('blocked_address');
    }
  });

  it('checks the address behind an IPv6 zone', async () => {
    const err = await refusal(checkDestination('https://zoned.example/', STRICT, table({ 'zoned.example': ['fe80::1%eth0'] })));
    expect(err.message).toContain('(link-local)');
  });

  it('refuses a resolver answer that is not an IP address', async () => {
    const err = await refusal(checkDestination('https://odd.example/', STRICT, table({ 'odd.example': ['not-an-ip'] })));
    expect(err.message).toContain('(not an IP address)');
  });
});

describe('resolution failures', () => {
  it('refuses an unknown host as unresolvable and retryable, keeping the cause', async () => {
    const err = await refusal(checkDestination('https://nowhere.example/', STRICT, table({})));
    expect(err).toMatchObject({ reason: 'unresolvable', code: 'destination_unresolvable', retryable: true });
    expect((err.cause as { code?: string }).code).toBe('ENOTFOUND');
  });

  it('refuses an empty answer', async () => {
    const err = await refusal(checkDestination('https://empty.example/', STRICT, table({ 'empty.example': [] })));
    expect(err.reason).toBe('unresolvable');
  });
});

describe('allowPrivate', () => {
  const opts: DestinationOptions = { allowPrivate: true, allowHttp: true };

  it.each(['127.0.0.1', '10.0.0.1', '192.168.1.1', '100.64.0.1', '169.254.1.1', '::1', 'fd12::1', '::ffff:10.0.0.1'])('lets %s through', async (address) => {
    await expect(checkDestination('http://svc.internal:8080/', opts, table({ 'svc.internal': [address] }))).resolves.toEqual([address]);
  });

  it('still refuses the cloud metadata addresses', async () => {
    for (const address of ['169.254.169.254', 'fd00:ec2::254', '::ffff:169.254.169.254']) {
      const err = await refusal(checkDestination('http://meta.internal/', opts, table({ 'meta.internal': [address] })));
      expect(err.message).toContain('(cloud metadata)');
    }
  });

  it('still enforces scheme and credentials', async () => {
    expect((await refusal(checkDestination('gopher://127.0.0.1/', opts))).reason).toBe('scheme');
    expect((await refusal(checkDestination('http://a:b@127.0.0.1/', opts))).reason).toBe('credentials');
  });
});

describe('allowList', () => {
  const resolve = table({ 'svc.internal': ['10.1.2.3', '10.1.2.4'], 'other.internal': ['10.9.9.9'], 'meta.internal': ['169.254.169.254'] });

  it('lets an allow-listed hostname through whatever it resolves to, case-insensitively', async () => {
    const guard = createDestinationGuard({ ...STRICT, allowList: ['SVC.internal.'] }, resolve);
    await expect(guard('https://svc.internal/')).resolves.toEqual(['10.1.2.3', '10.1.2.4']);
    expect((await refusal(guard('https://other.internal/'))).reason).toBe('blocked_address');
  });

  it('lets addresses inside an allow-listed CIDR through, and no others', async () => {
    const guard = createDestinationGuard({ ...STRICT, allowList: ['10.1.2.0/24'] }, resolve);
    await expect(guard('https://svc.internal/')).resolves.toEqual(['10.1.2.3', '10.1.2.4']);
    await expect(guard('https://10.1.2.200/')).resolves.toEqual(['10.1.2.200']);
    expect((await refusal(guard('https://other.internal/'))).message).toContain('10.9.9.9');
  });

  it('needs every address covered: one outside the CIDR refuses the host', async () => {
    const guard = createDestinationGuard({ ...STRICT, allowList: ['10.1.2.3'] }, resolve);
    expect((await refusal(guard('https://svc.internal/'))).message).toContain('10.1.2.4');
  });

  it('takes IPv6 CIDRs and bare addresses, and matches mapped IPv4 against IPv4 entries', async () => {
    const guard = createDestinationGuard({ ...STRICT, allowList: ['fd12:3456::/32', '::1', '127.0.0.0/8'] }, table({}));
    await expect(guard('https://[fd12:3456::9]/')).resolves.toEqual(['fd12:3456::9']);
    await expect(guard('https://[::1]/')).resolves.toEqual(['::1']);
    await expect(guard('https://[::ffff:127.0.0.1]/')).resolves.toEqual(['::ffff:7f00:1']);
    expect((await refusal(guard('https://[fd13::1]/'))).reason).toBe('blocked_address');
  });

  it('is the only way to open the metadata address', async () => {
    await expect(checkDestination('https://meta.internal/', { ...STRICT, allowList: ['169.254.169.254'] }, resolve)).resolves.toEqual(['169.254.169.254']);
  });

  it('does not relax scheme or credential checks', async () => {
    const opts = { ...STRICT, allowList: ['svc.internal'] };
    expect((await refusal(checkDestination('http://svc.internal/', opts, resolve))).reason).toBe('plain_http');
    expect((await refusal(checkDestination('https://u@svc.internal/', opts, resolve))).reason).toBe('credentials');
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/x', '10.0.0.0/', '10.0.0.0/ 8', '10.0.0.0/-1', 'svc.internal/24'])(
    'refuses the malformed entry %s when the guard is made',
    (entry) => {
      expect(() => createDestinationGuard({ ...STRICT, allowList: [entry] })).toThrow(RangeError);
    },
  );
});
