import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, type Transporter } from 'nodemailer';
import { Clock } from '../clock/clock';
import type { Environment } from '../config/environment';
import { OutboundHttp } from '../outbound/outbound-http';
import { emailText, headline, jsonBody, slackBody } from './alert-message';
import { signature } from './alert-signature';
import type { ClaimedDelivery } from './sql/delivery-queue';

/** An attempt that did not deliver, with the status the receiver answered, if it answered. */
export class DeliveryFailed extends Error {
  constructor(
    message: string,
    readonly responseStatus: number | null,
  ) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}

const SHOWN_BODY_CHARS = 200;

/** Sends one alert to one target: a signed POST through the outbound policy of http jobs, or an e-mail through SMTP_URL. */
@Injectable()
export class AlertSender implements OnApplicationShutdown {
  private readonly secret: string;
  private readonly dashboardUrl: string;
  private readonly timeoutMs: number;
  private readonly from: string;
  private readonly mail: Transporter | null;

  constructor(
    private readonly outbound: OutboundHttp,
    private readonly clock: Clock,
    config: ConfigService<Environment, true>,
  ) {
    this.secret = config.get('ALERT_SIGNING_SECRET', { infer: true }) ?? '';
    this.dashboardUrl = config.get('DASHBOARD_URL', { infer: true }) ?? `http://localhost:${config.get('PORT', { infer: true })}`;
    this.timeoutMs = config.get('ALERT_TIMEOUT_MS', { infer: true });
    this.from = config.get('ALERT_EMAIL_FROM', { infer: true });
    const smtpUrl = config.get('SMTP_URL', { infer: true });
    this.mail = smtpUrl
      ? createTransport(smtpUrl, { connectionTimeout: this.timeoutMs, greetingTimeout: this.timeoutMs, socketTimeout: this.timeoutMs })
      : null;
  }

  /** Resolves with the receiver's status (null for e-mail) or throws DeliveryFailed. */
  async send(delivery: ClaimedDelivery): Promise<number | null> {
    if ('email' in delivery.target) return this.sendEmail(delivery, delivery.target.email);
    return this.post(delivery, delivery.target.url, delivery.target.format === 'slack' ? slackBody(delivery, this.dashboardUrl) : jsonBody(delivery, this.dashboardUrl));
  }

  onApplicationShutdown(): void {
    this.mail?.close();
  }

  private async post(delivery: ClaimedDelivery, url: string, message: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify(message);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'job-scheduler-alerts',
      'idempotency-key': delivery.eventKey,
      'x-alert-event': delivery.event,
      'x-signature': signature(this.secret, body, this.clock.now()),
    };
    let response;
    try {
      response = await this.outbound.send({ url, method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new DeliveryFailed(error instanceof Error ? error.message : String(error), null);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new DeliveryFailed(`HTTP ${response.status}: ${response.text.slice(0, SHOWN_BODY_CHARS)}`, response.status);
    }
    return response.status;
  }

  private async sendEmail(delivery: ClaimedDelivery, to: string): Promise<null> {
    if (!this.mail) throw new DeliveryFailed('SMTP_URL is not set on this service', null);
    try {
      await this.mail.sendMail({
        from: this.from,
        to,
        subject: `[job-scheduler] ${headline(delivery)}`,
        text: emailText(delivery, this.dashboardUrl),
        headers: { 'Idempotency-Key': delivery.eventKey },
        messageId: `<${delivery.eventKey.replace(/[^\w.-]/g, '.')}@job-scheduler>`,
      });
    } catch (error) {
      throw new DeliveryFailed(error instanceof Error ? error.message : String(error), null);
    }
    return null;
  }
}
