import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowHttpServer {
  url: string;
  /** Requests received, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A local HTTP server for `http` jobs: `/delay/<ms>` answers 200 after that long, `/status/<code>`
 * answers that status at once, `/fail-first/<n>/<anything>` answers 500 to the first n requests
 * for that path and 200 after, anything else 200 at once.
 */
export async function startSlowHttpServer(): Promise<SlowHttpServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const delay = /^\/delay\/(\d+)/.exec(path);
    const status = /^\/status\/(\d{3})/.exec(path);
    const failFirst = /^\/fail-first\/(\d+)/.exec(path);
    const code = status ? Number(status[1]) : failFirst && hits.get(path)! <= Number(failFirst[1]) ? 500 : 200;
    const answer = () => {
      response.writeHead(code, { 'content-type': 'text/plain' });
      response.end(`answered ${path}`);
    };
    if (delay) setTimeout(answer, Number(delay[1])).unref();
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
