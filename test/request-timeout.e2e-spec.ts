import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const REQUEST_TIMEOUT_MS = 3_000;

/** Everything the server sends on `socket` until it closes the connection. */
function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('REQUEST_TIMEOUT_MS', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('answers 408 to a client that stops halfway through its request, closes the connection and creates nothing', async () => {
    const socket = connect(port, '127.0.0.1');
    const response = readUntilClosed(socket);
    const startedAt = Date.now();
    socket.write('POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"name":');

    const answer = await response;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ statusCode: 408, error: 'Request Timeout', message: 'Client Timeout' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect((await t.http.get('/jobs').expect(200)).body.total).toBe(0);
  });

  it('answers 408 to a client that stops halfway through its headers', async () => {
    const socket = connect(port, '127.0.0.1');
    const response = readUntilClosed(socket);
    socket.write('GET /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n');

    expect(await response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still serves a client that sends its request in pieces within the timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    const response = readUntilClosed(socket);
    socket.write('GET /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS / 10));
    socket.write('Connection: close\r\n\r\n');

    expect(await response).toMatch(/^HTTP\/1\.1 200 /);
    await waitFor(async () => socket.destroyed, 5_000, 'the connection to close');
  });
});
