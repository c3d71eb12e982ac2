import { allowListProblems, OutboundPolicy } from './outbound-policy';

describe('OutboundPolicy', () => {
  describe('by default', () => {
    const policy = OutboundPolicy.fromAllowList(undefined);

    it.each(['127.0.0.1', '0.0.0.0', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '169.254.169.254', '[fe80::1]', '[fd00:ec2::254]', '10.0.0.8', '100.64.1.1'])(
      'refuses the literal address %s when a job is saved, saying what it is',
      (host) => {
        expect(policy.hostProblem(host)).toMatch(/^http jobs may not call \S+, an? .*address; HTTP_JOBS_ALLOW can open it$/);
      },
    );

    it.each(['localhost', 'LOCALHOST.', 'api.localhost', 'metadata.google.internal', 'metadata'])('refuses the internal name %s when a job is saved', (host) => {
      expect(policy.hostProblem(host)).toContain('a name of an internal service');
    });

    it('accepts public addresses and names it cannot judge without DNS', () => {
      expect(policy.hostProblem('93.184.215.14')).toBeUndefined();
      expect(policy.hostProblem('example.com')).toBeUndefined();
      expect(policy.hostProblem('internal.example')).toBeUndefined();
    });

    it('judges a connection on the address a name resolved to', () => {
      expect(policy.allowsConnection('example.com', '93.184.215.14')).toBe(true);
      expect(policy.allowsConnection('example.com', '127.0.0.1')).toBe(false);
      expect(policy.allowsConnection('example.com', '::ffff:10.0.0.1')).toBe(false);
      expect(policy.allowsConnection('localhost', '93.184.215.14')).toBe(false);
    });
  });

  describe('with HTTP_JOBS_ALLOW', () => {
    const policy = OutboundPolicy.fromAllowList('10.1.0.0/16, internal.example, *.svc.example, 127.0.0.1, fd00::/8');

    it('opens the CIDR ranges and addresses it lists, and no more', () => {
      expect(policy.hostProblem('10.1.200.3')).toBeUndefined();
      expect(policy.allowsConnection('db.example', '10.1.200.3')).toBe(true);
      expect(policy.hostProblem('10.2.0.1')).toContain('a private address');
      expect(policy.hostProblem('127.0.0.1')).toBeUndefined();
      expect(policy.allowsConnection('127.0.0.1', '::ffff:127.0.0.1')).toBe(true);
      expect(policy.hostProblem('127.0.0.2')).toContain('a loopback address');
      expect(policy.allowsConnection('x.example', 'fd00::5')).toBe(true);
    });

    it('opens the hosts it names whatever they resolve to, and the subdomains of *. entries', () => {
      expect(policy.allowsConnection('internal.example', '192.168.1.1')).toBe(true);
      expect(policy.allowsConnection('INTERNAL.example.', '192.168.1.1')).toBe(true);
      expect(policy.allowsConnection('a.b.svc.example', '192.168.1.1')).toBe(true);
      expect(policy.allowsConnection('svc.example', '192.168.1.1')).toBe(false);
      expect(policy.allowsConnection('other.example', '192.168.1.1')).toBe(false);
    });

    it('can open a name refused by default', () => {
      expect(OutboundPolicy.fromAllowList('localhost').hostProblem('localhost')).toBeUndefined();
    });
  });

  it('reports each entry it cannot read', () => {
    expect(allowListProblems('10.0.0.0/33, bad host, 10.0.0.0/8, ::1/abc')).toEqual([
      '"10.0.0.0/33" is not a CIDR range such as 10.1.0.0/16',
      '"bad host" is neither a host name, an IP address nor a CIDR range',
      '"::1/abc" is not a CIDR range such as 10.1.0.0/16',
    ]);
    expect(() => OutboundPolicy.fromAllowList('%')).toThrow('HTTP_JOBS_ALLOW: "%" is neither');
  });
});
