import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Address ranges an http job may not reach unless HTTP_JOBS_ALLOW opens them, each with what it is. */
const IPV4_RANGES: [kind: string, network: string, prefix: number][] = [
  ['a cloud metadata address', '169.254.169.254', 32],
  ['an unspecified address', '0.0.0.0', 8],
  ['a loopback address', '127.0.0.0', 8],
  ['a private address', '10.0.0.0', 8],
  ['a private address', '172.16.0.0', 12],
  ['a private address', '192.168.0.0', 16],
  ['a shared (CGNAT) address', '100.64.0.0', 10],
  ['a link-local address', '169.254.0.0', 16],
  ['a reserved address', '192.0.0.0', 24],
  ['a reserved address', '198.18.0.0', 15],
  ['a multicast address', '224.0.0.0', 4],
  ['a reserved address', '240.0.0.0', 4],
];

const IPV6_RANGES: [kind: string, network: string, prefix: number][] = [
  ['a cloud metadata address', 'fd00:ec2::254', 128],
  ['an unspecified address', '::', 128],
  ['a loopback address', '::1', 128],
  ['a reserved address', '::', 96],
  ['a reserved address', '64:ff9b:1::', 48],
  ['a reserved address', '100::', 64],
  ['a unique-local address', 'fc00::', 7],
  ['a link-local address', 'fe80::', 10],
  ['a site-local address', 'fec0::', 10],
  ['a multicast address', 'ff00::', 8],
];

/** `127.0.0.0` → `7f00:0`: an IPv4 address as the two IPv6 groups that embed it. */
function asHexGroups(ipv4: string): string {
  const [a, b, c, d] = ipv4.split('.').map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/**
 * IPv6 forms that carry an IPv4 address, so that a denied IPv4 range is denied in them too:
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16). IPv4-mapped addresses (::ffff:127.0.0.1) are matched
 * against the IPv4 ranges by BlockList itself.
 */
function embeddedForms([kind, network, prefix]: [string, string, number]): [string, string, number][] {
  return [
    [kind, `64:ff9b::${asHexGroups(network)}`, 96 + prefix],
    [kind, `2002:${asHexGroups(network)}::`, 16 + prefix],
  ];
}

const RANGES = [
  ...IPV4_RANGES.map(([kind, network, prefix]) => ({ kind, family: 'ipv4' as const, network, prefix })),
  ...[...IPV6_RANGES, ...IPV4_RANGES.flatMap(embeddedForms)].map(([kind, network, prefix]) => ({ kind, family: 'ipv6' as const, network, prefix })),
].map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return { kind: range.kind, list };
});

/** What kind of internal address `address` is ("a loopback address"…), or undefined for a public one. */
export function deniedKind(address: string): string | undefined {
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return undefined;
  return RANGES.find(({ list }) => list.check(address, family))?.kind;
}
