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
});
