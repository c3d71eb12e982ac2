/**
 * A connection the outbound policy refused. Its message is the same whatever the port: a refused
 * address is never connected to, so nothing about what listens there can leak into a run's error.
 */
export class OutboundRefused extends Error {
  constructor(host: string) {
    super(`http jobs may not connect to ${host}: the outbound policy refuses its address (HTTP_JOBS_ALLOW can open it)`);
    this.name = 'OutboundRefused';
  }
}
