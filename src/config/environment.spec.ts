import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('fills in defaults when nothing is set', () => {
    const environment = validateEnvironment({});
    expect(environment.PORT).toBe(3000);
    expect(environment.MIGRATE_ON_START).toBe(true);
    expect(environment.SHELL_JOBS_ENABLED).toBe(false);
    expect(environment.DATABASE_URL).toBeUndefined();
  });

  it('converts strings to numbers and booleans', () => {
    const environment = validateEnvironment({ PORT: '8080', MIGRATE_ON_START: 'false', SHELL_JOBS_ENABLED: 'true' });
    expect(environment).toMatchObject({ PORT: 8080, MIGRATE_ON_START: false, SHELL_JOBS_ENABLED: true });
  });

  it('leaves AUDIT_RETENTION_DAYS unset by default and refuses one below a day', () => {
    expect(validateEnvironment({}).AUDIT_RETENTION_DAYS).toBeUndefined();
    expect(validateEnvironment({ AUDIT_RETENTION_DAYS: '400' }).AUDIT_RETENTION_DAYS).toBe(400);
    expect(() => validateEnvironment({ AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS="0": must not be less than 1/);
    expect(() => validateEnvironment({ AUDIT_RETENTION_DAYS: 'forever' })).toThrow(/AUDIT_RETENTION_DAYS="forever": must be an integer number/);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnvironment({ PORT: '' }).PORT).toBe(3000);
  });

  it('names every bad variable and its problem', () => {
    expect(() =>
      validateEnvironment({ PORT: 'eighty', MIGRATE_ON_START: 'maybe', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/PORT="eighty": must be an integer number.*\n\s*DATABASE_URL="mysql:\/\/x": must be a postgresql:\/\/ connection URL/s),
      }),
    );
    expect(() => validateEnvironment({ MIGRATE_ON_START: 'maybe' })).toThrow(/MIGRATE_ON_START="maybe": must be a boolean value/);
    expect(() => validateEnvironment({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud"/);
  });

  it('reads SCHEDULER_TICK with the jobs\' cron rules, but refuses H, which only a job can seed', () => {
    expect(validateEnvironment({ SCHEDULER_TICK: '*/5 * * * * 0,7' }).SCHEDULER_TICK).toBe('*/5 * * * * 0,7');
    expect(() => validateEnvironment({ SCHEDULER_TICK: 'H * * * * *' })).toThrow(
      /SCHEDULER_TICK="H \* \* \* \* \*": 'H \* \* \* \* \*' is not a valid cron expression: H is not supported here/,
    );
    expect(() => validateEnvironment({ SCHEDULER_TICK: '@reboot' })).toThrow(/SCHEDULER_TICK="@reboot": .*@reboot is not supported/);
  });
});

describe('.env.example', () => {
  it('documents every variable the service reads', () => {
    const example = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    const read = getMetadataStorage()
      .getTargetValidationMetadatas(Environment, '', true, false)
      .map((rule) => rule.propertyName);
    expect([...new Set(read)].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('holds no fault-injection switch: test support injects its faults itself (test/support/exit-before-publish.js)', () => {
    const read = getMetadataStorage()
      .getTargetValidationMetadatas(Environment, '', true, false)
      .map((rule) => rule.propertyName);
    expect(read.filter((name) => name.startsWith('FAULT_'))).toEqual([]);
  });
});

describe('validateEnvironment, credentials', () => {
  it('refuses to start in production when the tokens parse to none, such as API_TOKENS=","', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production', API_TOKENS: ',' })).toThrow(/API_TOKENS="\[redacted\]": is set but holds no token/);
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/API_TOKENS=undefined: must hold a token when NODE_ENV=production/);
    expect(() => validateEnvironment({ NODE_ENV: 'production', API_KEYS: ' , ' })).toThrow(/API_KEYS="\[redacted\]": is set but holds no key/);
  });

  it('starts in production with API_TOKENS, API_KEYS or an OIDC issuer', () => {
    expect(validateEnvironment({ NODE_ENV: 'production', API_TOKENS: 'a' }).API_TOKENS).toBe('a');
    expect(validateEnvironment({ NODE_ENV: 'production', API_KEYS: 'ci:admin:t' }).API_KEYS).toBe('ci:admin:t');
    expect(validateEnvironment({ NODE_ENV: 'production', OIDC_ISSUER: 'https://id.example', OIDC_AUDIENCE: 'scheduler' }).OIDC_ROLE_CLAIM).toBe('roles');
  });

  it('names a bad API_KEYS entry without showing the variable, and asks for an audience with an issuer', () => {
    expect(() => validateEnvironment({ API_KEYS: 'ci:boss:very-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('very-secret') }),
    );
    expect(() => validateEnvironment({ API_KEYS: 'ci:boss:very-secret' })).toThrow(/API_KEYS="\[redacted\]": entry 1: the role must be one of reader, operator, admin/);
    expect(() => validateEnvironment({ OIDC_ISSUER: 'https://id.example' })).toThrow(/OIDC_AUDIENCE=undefined: must be set with OIDC_ISSUER/);
  });

  it('takes DATABASE_LISTEN_URL only as a postgresql:// URL beside DATABASE_URL, shown without its password', () => {
    const direct = 'postgresql://app:pw@db:5432/scheduler';
    expect(validateEnvironment({ DATABASE_URL: 'postgresql://app:pw@pgbouncer:6432/scheduler', DATABASE_LISTEN_URL: direct }).DATABASE_LISTEN_URL).toBe(direct);
    expect(validateEnvironment({}).DATABASE_LISTEN_URL).toBeUndefined();
    expect(() => validateEnvironment({ DATABASE_URL: direct, DATABASE_LISTEN_URL: 'mysql://app:hunter2@db/x' })).toThrow(
      /DATABASE_LISTEN_URL="mysql:\/\/redacted@db\/x": must be a postgresql:\/\/ connection URL/,
    );
    expect(() => validateEnvironment({ DATABASE_LISTEN_URL: direct })).toThrow(/DATABASE_LISTEN_URL="postgresql:\/\/redacted@db:5432\/scheduler": must be set with DATABASE_URL/);
  });

  it('shows a bad DATABASE_URL without its password', () => {
    expect(() => validateEnvironment({ DATABASE_URL: 'mysql://app:hunter2@db/x' })).toThrow(/DATABASE_URL="mysql:\/\/redacted@db\/x"/);
  });
});

describe('validateEnvironment, alerts', () => {
  const secret = { ALERT_SIGNING_SECRET: 'sixteen-or-more-characters' };

  it('takes a default notify with the secret its webhooks need', () => {
    const notify = JSON.stringify({ targets: [{ url: 'https://hooks.example.com/a' }], events: ['failed', 'missed'] });
    expect(validateEnvironment({ ...secret, ALERTS_DEFAULT_NOTIFY: notify }).ALERTS_DEFAULT_NOTIFY).toBe(notify);
  });

  it.each([
    ['{"targets": [', {}, 'must be a JSON object'],
    ['{"targets": [{"url": "https://hooks.example.com/a"}]}', {}, 'targets.0.url cannot be signed: ALERT_SIGNING_SECRET is not set on this service'],
    ['{"targets": [{"email": "ops@example.com"}]}', secret, 'targets.0.email cannot be delivered: SMTP_URL is not set on this service'],
    ['{"targets": [{"url": "http://10.0.0.5/hook"}]}', secret, 'targets.0.url'],
    ['{"targets": [], "events": ["exploded"]}', secret, 'events'],
    ['{"targets": [], "afterConsecutiveFailures": 0}', secret, 'afterConsecutiveFailures'],
  ])('refuses ALERTS_DEFAULT_NOTIFY=%s, naming the variable and the problem', (value, others, message) => {
    expect(() => validateEnvironment({ ...others, ALERTS_DEFAULT_NOTIFY: value })).toThrow(/ALERTS_DEFAULT_NOTIFY=/);
    expect(() => validateEnvironment({ ...others, ALERTS_DEFAULT_NOTIFY: value })).toThrow(message);
  });

  it('refuses a short signing secret and an SMTP_URL of another scheme, showing neither secret', () => {
    expect(() => validateEnvironment({ ALERT_SIGNING_SECRET: 'short' })).toThrow(/ALERT_SIGNING_SECRET=.*longer than or equal to 16/);
    expect(() => validateEnvironment({ ALERT_SIGNING_SECRET: 'short' })).not.toThrow(/"short"/);
    expect(() => validateEnvironment({ SMTP_URL: 'http://user:hunter2@mail.example.com' })).toThrow(/SMTP_URL=.*must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => validateEnvironment({ SMTP_URL: 'http://user:hunter2@mail.example.com' })).not.toThrow(/hunter2/);
  });
});
