import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a client reading a body whole (as http jobs did) would hold at worst: bounded so that it cannot take the machine down. */
const MOST_BYTES = 512 * 1024 * 1024;

/**
 * A request handler that answers 200 with a body that, to any sane reader, never ends: 64 KiB
 * chunks of `fill` as fast as the client takes them. `sent.bytes` counts them; `sent.cutOff` is set
 * when the client closed the connection before the end.
 */
export function endlessBody(fill: string) {
  const chunk = Buffer.alloc(64 * 1024, fill);
  const sent = { bytes: 0, cutOff: false };
  const handle = (_request: IncomingMessage, response: ServerResponse) => {
    response.on('close', () => (sent.cutOff = !response.writableFinished));
    const pump = () => {
      while (sent.bytes < MOST_BYTES) {
        sent.bytes += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  };
  return { handle, sent };
}

/** Runs `work` and reports how far this process's resident memory rose above where it was, sampled every 20 ms. */
export async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await work();
    return { result, growthBytes: Math.max(peak, process.memoryUsage().rss) - baseline };
  } finally {
    clearInterval(sampler);
  }
}
