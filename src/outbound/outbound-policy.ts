import { BlockList, isIP } from 'node:net';
import { commaSeparated } from '../config/comma-separated';
import { deniedKind } from './denied-ranges';

/** Names of internal services, refused by name before any DNS answer is seen. */
const DENIED_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data']);
const DENIED_SUFFIX = '.localhost';

const HOST_NAME = /^[a-z\d]([a-z\d-]*[a-z\d])?(\.[a-z\d]([a-z\d-]*[a-z\d])?)*$/;

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: the form hosts are compared in. */
export function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

interface AllowList {
  hosts: Set<string>;
  /** From `*.example.com` entries: `.example.com`. */
  suffixes: string[];
  addresses: BlockList;
}

/** Problems with HTTP_JOBS_ALLOW's entries, for the start-up check; empty when every entry is valid. */
export function allowListProblems(list: string | undefined): string[] {
  return parseAllowList(list).problems;
}

function parseAllowList(list: string | undefined): { allow: AllowList; problems: string[] } {
  const allow: AllowList = { hosts: new Set(), suffixes: [], addresses: new BlockList() };
  const problems: string[] = [];
  for (const entry of commaSeparated(list).map(normaliseHost)) {
    const [network, prefix, ...rest] = entry.split('/');
    const family = isIP(network) === 4 ? 'ipv4' : isIP(network) === 6 ? 'ipv6' : undefined;
    if (prefix !== undefined) {
      const bits = Number(prefix);
      const max = family === 'ipv4' ? 32 : 128;
      if (!family || rest.length > 0 || !/^\d+$/.test(prefix) || bits > max) problems.push(`"${entry}" is not a CIDR range such as 10.1.0.0/16`);
      else allow.addresses.addSubnet(network, bits, family);
    } else if (family) {
      allow.addresses.addAddress(network, family);
    } else if (entry.startsWith('*.') && HOST_NAME.test(entry.slice(2))) {
      allow.suffixes.push(entry.slice(1));
    } else if (HOST_NAME.test(entry)) {
      allow.hosts.add(entry);
    } else {
      problems.push(`"${entry}" is neither a host name, an IP address nor a CIDR range`);
    }
  }
  return { allow, problems };
}

/**
 * Where http jobs may connect: anywhere public, and internal addresses (loopback, private,
 * link-local, unique-local, CGNAT, multicast, unspecified, cloud metadata) only where
 * HTTP_JOBS_ALLOW opens them, by host name (whatever it resolves to), address or CIDR range.
 */
export class OutboundPolicy {
  private constructor(private readonly allow: AllowList) {}

  static fromAllowList(list: string | undefined): OutboundPolicy {
    const { allow, problems } = parseAllowList(list);
    if (problems.length > 0) throw new Error(`HTTP_JOBS_ALLOW: ${problems.join('; ')}`);
    return new OutboundPolicy(allow);
  }

  /**
   * Why a job may not call this URL's host, judged without DNS (a literal address, or a name such as
   * `localhost`): checked when a job is saved. Names are judged again on the address they resolve to.
   */
  hostProblem(host: string): string | undefined {
    const name = normaliseHost(host);
    if (this.allowsHost(name)) return undefined;
    const kind = isIP(name) ? this.deniedAddressKind(name) : this.isDeniedName(name) ? 'a name of an internal service' : undefined;
    return kind && `http jobs may not call ${name}, ${kind}; HTTP_JOBS_ALLOW can open it`;
  }

  /** Whether a connection to `address`, which `host` resolved to (or is), is allowed. */
  allowsConnection(host: string, address: string): boolean {
    const name = normaliseHost(host);
    if (this.allowsHost(name)) return true;
    if (this.isDeniedName(name)) return false;
    return this.deniedAddressKind(normaliseHost(address)) === undefined;
  }

  private allowsHost(name: string): boolean {
    return this.allow.hosts.has(name) || this.allow.suffixes.some((suffix) => name.endsWith(suffix));
  }

  private isDeniedName(name: string): boolean {
    return DENIED_NAMES.has(name) || name.endsWith(DENIED_SUFFIX);
  }

  private deniedAddressKind(address: string): string | undefined {
    const kind = deniedKind(address);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    return kind && !this.allow.addresses.check(address, family) ? kind : undefined;
  }
}
