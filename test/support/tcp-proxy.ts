import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** PostgreSQL's ReadyForQuery ('Z', length 5, then the transaction status): the server is done with a statement. */
const READY_FOR_QUERY = Buffer.from([0x5a, 0, 0, 0, 5]);
const endsReady = (data: Buffer) => data.length >= 6 && data.subarray(-6, -1).equals(READY_FOR_QUERY);

/**
 * A loopback TCP proxy in front of PostgreSQL that a test can cut: `cut()` drops every connection
 * and refuses new ones, as a database that went away would; `restore()` lets them through again.
 * `loseAnswerTo(marker)` lets the next statement holding `marker` run and commit, then drops its
 * connection before the answer reaches the client: a commit whose outcome the client cannot know.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  /** Connections let through so far. */
  relayed = 0;
  private lostAnswer?: { marker: string; lost: () => void };
  private readonly server = createServer((client) => this.relay(client));

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  private relay(client: Socket): void {
    if (!this.open) {
      client.destroy();
      return;
    }
    this.relayed += 1;
    const upstream = connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let withheld: Buffer | null = null;
    client.on('data', (chunk: Buffer) => {
      if (this.lostAnswer && chunk.includes(this.lostAnswer.marker)) withheld = Buffer.alloc(0);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (withheld === null) {
        client.write(chunk);
        return;
      }
      withheld = Buffer.concat([withheld, chunk]);
      if (!endsReady(withheld)) return;
      client.destroy();
      upstream.destroy();
      this.lostAnswer?.lost();
      this.lostAnswer = undefined;
    });
  }

  /** Resolves once the next statement holding `marker` has been answered by the server, and the answer dropped. */
  loseAnswerTo(marker: string): Promise<void> {
    return new Promise((resolve) => (this.lostAnswer = { marker, lost: resolve }));
  }

  /** `url` with its host and port replaced by the proxy's. */
  wrap(url: string): string {
    const wrapped = new URL(url);
    wrapped.hostname = '127.0.0.1';
    wrapped.port = String(this.port);
    return wrapped.toString();
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
