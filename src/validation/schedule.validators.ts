import { ValidateBy, type ValidationOptions } from 'class-validator';
import { canonicalTimezone, cronExpressionProblem } from '../schedules/cron-schedule';

/**
 * A cron expression the engine reads (src/schedules), with at least one future occurrence; the
 * message says what is wrong. `hash: false` refuses `H` where no job gives it a seed (SCHEDULER_TICK).
 */
export const IsCronExpression = (accepts: { hash: boolean } = { hash: true }, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCronExpression',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && cronExpressionProblem(value, accepts) === undefined,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? `'${args.value}' is not a valid cron expression: ${cronExpressionProblem(args.value, accepts)}`
            : 'must be a cron expression string such as "0 9 * * *"',
      },
    },
    options,
  );

/** An IANA time zone name such as "Europe/Paris". */
export const IsTimeZone = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalTimezone(value) !== undefined,
        defaultMessage: (args) => `'${String(args?.value)}' is not an IANA time zone (for example "UTC" or "Europe/Paris")`,
      },
    },
    options,
  );
