import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { OutboundPolicy } from './outbound-policy';
import { OutboundRefused } from './outbound-refused';

/**
 * Resolves names through `lookup` and refuses the whole answer when any address in it is denied, so
 * a name that resolves to an internal address, or a DNS answer that changes between two runs
 * (rebinding), is caught on the address the socket then connects to: Node connects to what this
 * returns, with no second resolution in between.
 */
function guardedLookup(policy: OutboundPolicy, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, found, family) => {
      if (error) return callback(error, '', 0);
      const addresses: LookupAddress[] = typeof found === 'string' ? [{ address: found, family: family ?? 0 }] : found;
      if (addresses.length === 0 || addresses.some(({ address }) => !policy.allowsConnection(hostname, address))) {
        return callback(new OutboundRefused(hostname), '', 0);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * undici's connector with the outbound policy in the connect step: literal addresses are judged
 * here (Node does not look them up), names in the lookup above. Every connection an http job opens,
 * its redirects' included, goes through it.
 */
export function guardedConnector(policy: OutboundPolicy, lookup: LookupFunction = dnsLookup): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(policy, lookup) });
  return (options, callback) => {
    if (isIP(options.hostname) && !policy.allowsConnection(options.hostname, options.hostname)) {
      callback(new OutboundRefused(options.hostname), null);
      return;
    }
    connect(options, callback);
  };
}
