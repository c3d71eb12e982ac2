import { type Hop, nextHop } from './redirects';

describe('nextHop', () => {
  const post: Hop = {
    url: new URL('https://api.example/start'),
    method: 'POST',
    headers: { Authorization: 'Bearer t', 'X-Api-Key': 'k', 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'ua' },
    body: '{"a":1}',
  };

  it('resolves a relative Location against the current URL and keeps every header within the origin', () => {
    expect(nextHop(post, 307, '/next?x=1')).toEqual({ ...post, url: new URL('https://api.example/next?x=1') });
  });

  it('turns a POST into a GET without body or body headers on 301, 302 and 303', () => {
    for (const status of [301, 302, 303]) {
      const hop = nextHop(post, status, '/done');
      expect(hop).toMatchObject({ method: 'GET', body: undefined });
      expect(hop.headers).toEqual({ Authorization: 'Bearer t', 'X-Api-Key': 'k', Accept: 'application/json', 'User-Agent': 'ua' });
    }
    expect(nextHop({ ...post, method: 'PUT' }, 302, '/done')).toMatchObject({ method: 'PUT', body: '{"a":1}' });
    expect(nextHop({ ...post, method: 'HEAD', body: undefined }, 303, '/done').method).toBe('HEAD');
  });

  it('drops every header but Accept, Accept-Language, Content-Type and User-Agent when the origin changes', () => {
    for (const location of ['https://other.example/x', 'http://api.example/x', 'https://api.example:8443/x']) {
      expect(nextHop(post, 308, location).headers).toEqual({ 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'ua' });
    }
  });

  it('refuses to follow a redirect to anything but http and https', () => {
    expect(() => nextHop(post, 302, 'file:///etc/passwd')).toThrow('redirected to a file: URL; http jobs follow redirects to http and https only');
  });
});
