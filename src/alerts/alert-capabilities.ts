import type { Environment } from '../config/environment';
import { OutboundPolicy } from '../outbound/outbound-policy';
import type { AlertCapabilities } from './notify';

/** What this service's configuration lets it deliver alerts to. */
export function alertCapabilities(environment: Pick<Environment, 'ALERT_SIGNING_SECRET' | 'SMTP_URL' | 'HTTP_JOBS_ALLOW'>): AlertCapabilities {
  const policy = OutboundPolicy.fromAllowList(environment.HTTP_JOBS_ALLOW);
  return {
    signing: !!environment.ALERT_SIGNING_SECRET,
    email: !!environment.SMTP_URL,
    hostProblem: (host) => policy.hostProblem(host) ?? null,
  };
}

/** The value of a JSON text, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
