import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { badRequest } from '../validation/field-problems';
import { alertCapabilities, parseJson } from './alert-capabilities';
import type { NotifyDto } from './dto/notify.dto';
import { type AlertCapabilities, type Notify, normaliseNotify, notifyProblems, parseNotify } from './notify';

/** The service's alert configuration: its default notify (ALERTS_DEFAULT_NOTIFY) and what it can deliver to. */
@Injectable()
export class AlertSettings {
  readonly capabilities: AlertCapabilities;
  /** Validated at start-up (see environment.ts). */
  readonly defaultNotify: Notify | null;

  constructor(config: ConfigService<Environment, true>) {
    this.capabilities = alertCapabilities({
      ALERT_SIGNING_SECRET: config.get('ALERT_SIGNING_SECRET', { infer: true }),
      SMTP_URL: config.get('SMTP_URL', { infer: true }),
      HTTP_JOBS_ALLOW: config.get('HTTP_JOBS_ALLOW', { infer: true }),
    });
    const raw = config.get('ALERTS_DEFAULT_NOTIFY', { infer: true });
    this.defaultNotify = raw === undefined ? null : parseNotify(parseJson(raw), this.capabilities, 'ALERTS_DEFAULT_NOTIFY').notify;
  }

  /** A job's notify as stored, with its defaults; 400 naming the field when this service cannot deliver to a target. */
  checked(dto: NotifyDto): Notify {
    const problems = notifyProblems(dto, this.capabilities, 'notify');
    if (problems.length > 0) throw badRequest(problems);
    return normaliseNotify(dto);
  }
}
