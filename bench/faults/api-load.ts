/** What an API load saw: answers by status, failures to get any answer, and the slowest answer. */
export interface ApiLoadStats {
  requests: number;
  byStatus: Record<string, number>;
  /** No answer at all: connection refused or reset, or no answer within the request timeout (a hang). */
  noAnswer: number;
  slowestMs: number;
  /** When the slowest request was sent (ms since the epoch). */
  slowestAt: number;
  /** Time to answer, in ms, of every request that got one. */
  latenciesMs: number[];

}

export interface ApiLoad {
  stop(): Promise<ApiLoadStats>;
}

export interface ApiLoadOptions {
  /** Base URLs of the instances; requests go round-robin. */
  targets: () => string[];
  /** Requests kept in flight at once. */
  concurrency: number;
  /** The path of each request (after the base URL). */
  path: (sequence: number) => string;
  /** A request without an answer after this long counts as a hang. */
  timeoutMs: number;
  /** Hard bound: the load stops by itself after this long. */
  maxDurationMs: number;
}

/**
 * Keeps `concurrency` API requests in flight until stopped (or `maxDurationMs`), each with its own
 * timeout, and tallies what came back.
 */
export function startApiLoad(options: ApiLoadOptions): ApiLoad {
  const stats: ApiLoadStats = { requests: 0, byStatus: {}, noAnswer: 0, slowestMs: 0, slowestAt: 0, latenciesMs: [] };
  const deadline = Date.now() + options.maxDurationMs;
  let stopped = false;
  let sequence = 0;

  const worker = async (): Promise<void> => {
    while (!stopped && Date.now() < deadline) {
      const targets = options.targets();
      const target = targets[sequence % targets.length];
      const path = options.path(sequence);
      sequence += 1;
      const started = Date.now();
      try {
        const response = await fetch(`${target}${path}`, { signal: AbortSignal.timeout(options.timeoutMs) });
        await response.arrayBuffer();
        stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
        stats.latenciesMs.push(Date.now() - started);
      } catch {
        stats.noAnswer += 1;
        // A refused connection returns at once; do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      stats.requests += 1;
      if (Date.now() - started > stats.slowestMs) {
        stats.slowestMs = Date.now() - started;
        stats.slowestAt = started;
      }
    }
  };

  const workers = Array.from({ length: options.concurrency }, () => worker());
  return {
    async stop() {
      stopped = true;
      await Promise.all(workers);
      return stats;
    },
  };
}

/** "200: 1234, 503: 56" */
export function describeStatuses(stats: ApiLoadStats): string {
  const parts = Object.entries(stats.byStatus).map(([status, count]) => `${status}: ${count}`);
  if (stats.noAnswer > 0) parts.push(`no answer: ${stats.noAnswer}`);
  return parts.join(', ') || 'none';
}

/** The `fraction` quantile (0.5, 0.99) of the answers' latencies, in ms. */
export function latencyQuantile(stats: ApiLoadStats, fraction: number): number {
  const sorted = [...stats.latenciesMs].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** Answers other than 200 and 503, and requests that got no answer. */
export function unexpectedAnswers(stats: ApiLoadStats): number {
  const others = Object.entries(stats.byStatus)
    .filter(([status]) => status !== '200' && status !== '503')
    .reduce((sum, [, count]) => sum + count, 0);
  return others + stats.noAnswer;
}

/**
 * How long the service took to answer each request with `status`, from its own request log lines
 * (pino-http logs every 4xx and 5xx with `responseTime`, from reading the request to the answer).
 */
export function serviceAnswerTimes(output: string, status: number): number[] {
  const times: number[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"responseTime"')) continue;
    try {
      const entry = JSON.parse(line) as { res?: { statusCode?: number }; responseTime?: number };
      if (entry.res?.statusCode === status && typeof entry.responseTime === 'number') times.push(entry.responseTime);
    } catch {
      // A line cut by the end of the output.
    }
  }
  return times;
}
