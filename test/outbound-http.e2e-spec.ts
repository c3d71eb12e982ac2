import type { LookupFunction } from 'node:net';
import { OutboundHttp, type OutboundRequest } from '../src/outbound/outbound-http';
import { OutboundPolicy } from '../src/outbound/outbound-policy';
import { MAX_REDIRECTS } from '../src/outbound/redirects';
import { endlessBody, withPeakMemory } from './support/endless-body';
import { type RecordingServer, startRecordingServer } from './support/recording-server';

/** A DNS of the test's own: each name answers the next address of its list (the last one again when they run out). */
function fakeDns(answers: Record<string, string[]>): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    asked.push(hostname);
    const list = answers[hostname];
    if (!list) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    const address = list.length > 1 ? list.shift()! : list[0];
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
  return Object.assign(lookup, { asked });
}

const REFUSED = /^http jobs may not connect to \S+: the outbound policy refuses its address \(HTTP_JOBS_ALLOW can open it\)$/;

describe('OutboundHttp, the client of http jobs', () => {
  // 127.0.0.2 and 127.0.0.3 stand for two public hosts; 127.0.0.1 for the internal address to protect.
  const policy = OutboundPolicy.fromAllowList('127.0.0.2, 127.0.0.3');
  const servers: RecordingServer[] = [];
  const clients: OutboundHttp[] = [];
  const start = async (...args: Parameters<typeof startRecordingServer>) => {
    const server = await startRecordingServer(...args);
    servers.push(server);
    return server;
  };
  const client = (lookup?: LookupFunction, maxResponseBytes = 1_048_576) => {
    const made = new OutboundHttp(policy, { maxResponseBytes }, lookup);
    clients.push(made);
    return made;
  };
  const get = (url: string, headers: Record<string, string> = {}): OutboundRequest => ({ url, method: 'GET', headers, signal: AbortSignal.timeout(10_000) });
  const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => error.message);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((made) => made.onApplicationShutdown()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  describe('the outbound policy, in the connect step', () => {
    it('refuses a name that resolves to loopback, without connecting', async () => {
      const internal = await start('127.0.0.1');
      const dns = fakeDns({ 'innocent.example': ['127.0.0.1'] });
      const message = await errorOf(client(dns).send(get(`http://innocent.example:${internal.port}/admin`)));
      expect(message).toMatch(REFUSED);
      expect(dns.asked).toEqual(['innocent.example']);
      expect(internal.connections).toBe(0);
    });

    it('refuses a name whose DNS answer changes to loopback on the next connection (rebinding)', async () => {
      const server = await start('0.0.0.0');
      const dns = fakeDns({ 'rebinding.example': ['127.0.0.2', '127.0.0.1'] });
      const http = client(dns);
      const first = await http.send(get(`http://rebinding.example:${server.port}/`, { connection: 'close' }));
      expect(first.status).toBe(200);
      const message = await errorOf(http.send(get(`http://rebinding.example:${server.port}/`)));
      expect(message).toMatch(REFUSED);
      expect(server.requests).toHaveLength(1);
    });

    it('refuses an answer that holds one internal address among public ones', async () => {
      const server = await start('0.0.0.0');
      const lookup = ((_hostname: string, _options: unknown, callback: (...args: unknown[]) => void) =>
        callback(null, [{ address: '127.0.0.2', family: 4 }, { address: '10.0.0.1', family: 4 }])) as unknown as LookupFunction;
      expect(await errorOf(client(lookup).send(get(`http://mixed.example:${server.port}/`)))).toMatch(REFUSED);
    });

    it.each(['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0'])('refuses the literal address %s', async (host) => {
      const internal = await start('::');
      expect(await errorOf(client().send(get(`http://${host}:${internal.port}/`)))).toMatch(REFUSED);
      expect(internal.connections).toBe(0);
    });

    it('fails the same way whether the refused port is open or closed', async () => {
      const open = await start('127.0.0.1');
      const closed = await start('127.0.0.1');
      await closed.close();
      const http = client();
      const messages = await Promise.all([open.port, closed.port].map((port) => errorOf(http.send(get(`http://127.0.0.1:${port}/`)))));
      expect(messages[0]).toMatch(REFUSED);
      expect(messages[1]).toBe(messages[0]);
    });

    it('judges every redirect: one to loopback is refused', async () => {
      const internal = await start('127.0.0.1');
      const public_ = await start('127.0.0.2', (_request, response) => response.writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` }).end());
      expect(await errorOf(client().send(get(`${public_.origin}/`)))).toMatch(REFUSED);
      expect(public_.requests).toHaveLength(1);
      expect(internal.connections).toBe(0);
    });

    it('judges the names redirects go to on their DNS answer', async () => {
      const internal = await start('127.0.0.1');
      const public_ = await start('127.0.0.2', (_request, response) => response.writeHead(307, { location: `http://sneaky.example:${internal.port}/` }).end());
      const dns = fakeDns({ 'sneaky.example': ['127.0.0.1'] });
      expect(await errorOf(client(dns).send(get(`${public_.origin}/`)))).toMatch(REFUSED);
      expect(internal.connections).toBe(0);
    });
  });

  describe('redirects', () => {
    const secrets = { authorization: 'Bearer s3cret', 'x-api-key': 'k3y', accept: 'application/json', 'user-agent': 'scheduler-test' };

    it('drops every header but a safe few when a redirect leaves the origin', async () => {
      const other = await start('127.0.0.3');
      const first = await start('127.0.0.2', (_request, response) => response.writeHead(302, { location: `${other.origin}/landing` }).end());
      const response = await client().send(get(`${first.origin}/start`, secrets));
      expect(response.status).toBe(200);
      expect(first.requests[0].headers).toMatchObject(secrets);
      const arrived = other.requests[0].headers;
      expect(arrived.authorization).toBeUndefined();
      expect(arrived['x-api-key']).toBeUndefined();
      expect(arrived).toMatchObject({ accept: 'application/json', 'user-agent': 'scheduler-test' });
    });

    it('keeps the headers on a redirect within the origin', async () => {
      const server = await start('127.0.0.2', (request, response) =>
        request.url === '/start' ? response.writeHead(301, { location: '/next' }).end() : response.end('there'),
      );
      const response = await client().send(get(`${server.origin}/start`, secrets));
      expect(response).toMatchObject({ status: 200, text: 'there' });
      expect(server.requests.map(({ path }) => path)).toEqual(['/start', '/next']);
      expect(server.requests[1].headers).toMatchObject(secrets);
    });

    it('turns a POST into a GET without its body on a 303, and repeats it on a 307', async () => {
      const bodies: string[] = [];
      const server = await start('127.0.0.2', (request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          bodies.push(`${request.method} ${request.url} ${body}`);
          if (request.url === '/see-other') response.writeHead(303, { location: '/done' }).end();
          else if (request.url === '/temporary') response.writeHead(307, { location: '/done' }).end();
          else response.end();
        });
      });
      const post = (path: string): OutboundRequest => ({
        url: `${server.origin}${path}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
        signal: AbortSignal.timeout(10_000),
      });
      await client().send(post('/see-other'));
      await client().send(post('/temporary'));
      expect(bodies).toEqual(['POST /see-other {"a":1}', 'GET /done ', 'POST /temporary {"a":1}', 'POST /done {"a":1}']);
      expect(server.requests[1].headers['content-type']).toBeUndefined();
    });

    it(`follows at most ${MAX_REDIRECTS} redirects`, async () => {
      const server = await start('127.0.0.2', (request, response) => {
        const hop = Number(request.url!.slice(1));
        response.writeHead(302, { location: `/${hop + 1}` }).end();
      });
      expect(await errorOf(client().send(get(`${server.origin}/0`)))).toBe(`stopped after ${MAX_REDIRECTS} redirects; the last one went to /${MAX_REDIRECTS + 1}`);
      expect(server.requests).toHaveLength(MAX_REDIRECTS + 1);
    });
  });

  describe('response bodies', () => {
    it('reads a short body whole', async () => {
      const server = await start('127.0.0.2', (_request, response) => response.end('hello'));
      expect(await client().send(get(`${server.origin}/`))).toEqual({ status: 200, text: 'hello', bytes: 5, cutOff: false });
    });

    it('stops reading an endless body at the limit and closes the connection, with flat memory', async () => {
      const body = endlessBody('x');
      const server = await start('127.0.0.2', body.handle);
      const limit = 16 * 1024 * 1024;
      const { result: response, growthBytes } = await withPeakMemory(() => client(undefined, limit).send(get(`${server.origin}/`)));
      expect(response).toMatchObject({ status: 200, bytes: limit, cutOff: true });
      expect(response.text.length).toBe(8 * 1024);
      expect(body.sent.bytes).toBeLessThan(128 * 1024 * 1024);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(body.sent.cutOff).toBe(true);
      expect(growthBytes).toBeLessThan(64 * 1024 * 1024);
    });
  });
});
