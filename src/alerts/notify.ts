import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type FieldProblem, toFieldProblems } from '../validation/field-problems';
import { type AlertEventName, type AlertFormat, DEFAULT_ALERT_EVENTS } from './alert-kinds';
import { NotifyDto } from './dto/notify.dto';

export type AlertTarget = { url: string; format: AlertFormat } | { email: string };

/** Who hears of a job's events, with every default filled in: what is stored and answered. */
export interface Notify {
  targets: AlertTarget[];
  events: AlertEventName[];
  afterConsecutiveFailures: number;
}

/** What this service can deliver to, and the check of a webhook's host (the outbound policy of http jobs). */
export interface AlertCapabilities {
  signing: boolean;
  email: boolean;
  hostProblem: (host: string) => string | null;
}

export function normaliseNotify(dto: NotifyDto): Notify {
  return {
    targets: dto.targets.map((target) => (target.email !== undefined ? { email: target.email } : { url: target.url!, format: target.format ?? 'json' })),
    events: dto.events ?? DEFAULT_ALERT_EVENTS,
    afterConsecutiveFailures: dto.afterConsecutiveFailures ?? 1,
  };
}

/** Problems a notify has beyond its shape: one kind of target each, and only kinds this service can deliver to. */
export function notifyProblems(dto: NotifyDto, capabilities: AlertCapabilities, field: string): FieldProblem[] {
  return dto.targets.flatMap((target, index): FieldProblem[] => {
    const at = `${field}.targets.${index}`;
    if ((target.url === undefined) === (target.email === undefined)) return [{ field: at, message: 'must have either a url (a webhook) or an email' }];
    if (target.email !== undefined) {
      if (target.format !== undefined) return [{ field: `${at}.format`, message: 'applies to webhooks only' }];
      return capabilities.email ? [] : [{ field: `${at}.email`, message: 'cannot be delivered: SMTP_URL is not set on this service' }];
    }
    if (!capabilities.signing) return [{ field: `${at}.url`, message: 'cannot be signed: ALERT_SIGNING_SECRET is not set on this service' }];
    const problem = capabilities.hostProblem(new URL(target.url!).hostname);
    return problem ? [{ field: `${at}.url`, message: problem }] : [];
  });
}

/** Validates a notify given as a plain value (a request body's field, or the JSON of ALERTS_DEFAULT_NOTIFY). */
export function parseNotify(value: unknown, capabilities: AlertCapabilities, field: string): { notify: Notify | null; problems: FieldProblem[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { notify: null, problems: [{ field, message: 'must be an object' }] };
  const dto = plainToInstance(NotifyDto, value);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.length > 0 ? toFieldProblems(errors, field) : notifyProblems(dto, capabilities, field);
  return { notify: problems.length > 0 ? null : normaliseNotify(dto), problems };
}
