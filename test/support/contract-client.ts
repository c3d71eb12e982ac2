import type { Server } from 'node:http';
import supertest from 'supertest';
import { contractProblem } from './api-document';

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/**
 * supertest, with every response checked against the committed API document before the test's own
 * expectations: a drift between what the service answers and what the document says fails the test.
 */
export function contractClient(server: Server): ReturnType<typeof supertest> {
  const client = supertest(server);
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !METHODS.has(property) || typeof value !== 'function') return value;
      return (url: string) =>
        (value as (url: string) => supertest.Test).call(target, url).expect((response) => {
          const problem = contractProblem(property, url, response);
          if (problem) throw new Error(problem);
        });
    },
  });
}
