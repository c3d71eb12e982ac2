import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './api-types';

/** The REST API as a typed client: each path, its parameters, its body and every answer, from the document. */
export type SchedulerApi = Client<paths>;

export interface SchedulerApiOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** An API key (API_TOKENS) or an OIDC access token, sent as the bearer token. */
  token?: string;
}

/** A typed client of the service at `baseUrl` (openapi-fetch over the types of `npm run client`). */
export function createSchedulerApi(baseUrl: string, { token, ...options }: SchedulerApiOptions = {}): SchedulerApi {
  const api = createClient<paths>({ ...options, baseUrl });
  if (token !== undefined) api.use({ onRequest: ({ request }) => void request.headers.set('authorization', `Bearer ${token}`) });
  return api;
}
