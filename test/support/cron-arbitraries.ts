import fc from 'fast-check';
import { cronExpressionProblem } from '../../src/schedules/cron-schedule';

const integer = (min: number, max: number) => fc.integer({ min, max });
const orderedPair = (min: number, max: number) => fc.tuple(integer(min, max), integer(min, max)).map(([a, b]) => (a <= b ? [a, b] : [b, a]));

/** One list item of a field from `min` to `max`: a value, a range, `*`, each maybe stepped. */
function item(min: number, max: number): fc.Arbitrary<string> {
  const steps = (most: number) => integer(1, Math.min(max - min + 1, most));
  return fc.oneof(
    fc.constant('*'),
    steps(30).map((step) => `*/${step}`),
    integer(min, max).map(String),
    orderedPair(min, max).map(([a, b]) => `${a}-${b}`),
    fc.tuple(orderedPair(min, max), steps(10)).map(([[a, b], step]) => `${a}-${b}/${step}`),
    fc.tuple(integer(min, max), steps(20)).map(([a, step]) => `${a}/${step}`),
  );
}

const field = (min: number, max: number) =>
  fc.oneof({ weight: 3, arbitrary: item(min, max) }, { weight: 1, arbitrary: fc.tuple(item(min, max), item(min, max)).map(([a, b]) => `${a},${b}`) });

/**
 * Random cron expressions in the syntax test/support/cron-oracle.ts reads: mostly frequent ones, so
 * that occurrences fall within the oracle's horizon, with hours often near those of DST changes.
 * Expressions the API refuses (`*\/14 * 1#2`, whose days never meet) are left out.
 */
export const cronExpression: fc.Arbitrary<string> = fc
  .record({
    second: fc.option(fc.constantFrom('0', '30', '*/15', '*/20', '10-20', '*'), { freq: 4 }),
    minute: fc.oneof({ weight: 3, arbitrary: field(0, 59) }, { weight: 1, arbitrary: fc.constantFrom('0', '30', '45', '15,45') }),
    hour: fc.oneof({ weight: 2, arbitrary: fc.constant('*') }, { weight: 3, arbitrary: field(0, 23) }, { weight: 2, arbitrary: field(0, 4) }),
    dom: fc.oneof({ weight: 6, arbitrary: fc.constant('*') }, { weight: 2, arbitrary: field(1, 31) }, { weight: 1, arbitrary: fc.constantFrom('L', '?', '*/2', '1-15') }),
    month: fc.oneof({ weight: 8, arbitrary: fc.constant('*') }, { weight: 1, arbitrary: field(1, 12) }, { weight: 1, arbitrary: fc.constantFrom('JAN-JUN', 'mar,oct,nov', '*/2') }),
    dow: fc.oneof(
      { weight: 6, arbitrary: fc.constant('*') },
      { weight: 2, arbitrary: field(0, 7) },
      { weight: 1, arbitrary: fc.constantFrom('1-5', '0,7', 'SUN', 'mon-fri', '6-7,0', '5L', '0#1', '1#2', '*/2', '?') },
    ),
  })
  .map(({ second, minute, hour, dom, month, dow }) => [...(second === null ? [] : [second]), minute, hour, dom, month, dow].join(' '))
  .filter((expression) => cronExpressionProblem(expression) === undefined);
