import { createHmac } from 'node:crypto';

/**
 * The X-Signature of a webhook alert: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * under ALERT_SIGNING_SECRET. The timestamp lets a receiver refuse a replayed request.
 */
export function signature(secret: string, body: string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}
