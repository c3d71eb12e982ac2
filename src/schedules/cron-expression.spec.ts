import { parseCronExpression } from './cron-expression';
import { cronExpressionProblem } from './cron-schedule';

const FIELD_COUNT = 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first)';

describe('cronExpressionProblem', () => {
  it.each([
    '0 9 * * *',
    '*/5 * * * *',
    '0 0 9 * * 1-5',
    '*/10 * * * * *',
    '  0   9 * * *  ',
    '0 0 1 JAN,JUL *',
    '0 0 * * mon-fri',
    // Classic cron that cron-parser refused with "duplicate values found":
    '0 0 * * 0,7',
    '0 0 * * 6-7,0',
    '0-10,5 * * * *',
    '*/20,0 * * * *',
    '0 0 1,1 * *',
    '0 0 * JAN,1 *',
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@midnight',
    '@hourly',
    '@Daily',
    // Extensions, documented in README.md:
    '0 12 L * *',
    '0 12 * * 5L',
    '0 12 * * FRI#3',
    '0 0 12 ? * MON',
    '0/15 * * * *',
    '*/100 * * * *',
    'H H * * *',
    'H/15 H(9-17) * * 1-5',
  ])('accepts %p', (expression) => expect(cronExpressionProblem(expression)).toBeUndefined());

  it.each([
    ['61 * * * *', 'minute must be 0-59 (got 61)'],
    ['0 24 * * *', 'hour must be 0-23 (got 24)'],
    ['0 0 32 * *', 'day of month must be 1-31 (got 32)'],
    ['0 0 0 * *', 'day of month must be 1-31 (got 0)'],
    ['0 0 1 13 *', 'month must be 1-12 (got 13)'],
    ['0 0 * * 8', 'day of week must be 0-7 (got 8)'],
    ['60 0 0 * * *', 'second must be 0-59 (got 60)'],
    ['* * * x *', 'month has invalid characters: x'],
    ['*/0 * * * *', 'minute step must be a whole number from 1 (got 0)'],
    ['*/a * * * *', 'minute step must be a whole number from 1 (got a)'],
    ['1,,2 * * * *', 'minute has an empty list item in 1,,2'],
    ['0 22-2 * * *', 'hour range 22-2 runs backwards; write 22-23,0-2'],
    ['0 0 * * MON-SUN', 'day of week range MON-SUN runs backwards; write MON-7,0-SUN'],
    ['* * *', `${FIELD_COUNT}, got 3`],
    ['* * * * * * *', `${FIELD_COUNT}, got 7`],
    ['', `${FIELD_COUNT}, got 0`],
    ['@reboot', '@reboot is not supported: a job runs on its schedule, not when an instance starts'],
    ['@fortnightly', 'unknown macro @fortnightly; known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
    ['0 0 15W * *', 'day of month: W (nearest weekday) is not supported'],
    ['0 0 LW * *', 'day of month: W (nearest weekday) is not supported'],
    ['0 0 L-2 * *', 'day of month: L must stand alone, as the last day of the month (got L-2)'],
    ['0 L * * *', 'hour: L is not supported (L and # are for the day fields only)'],
    ['0 0 * * 5#6', 'day of week: the n of 5#6 must be 1-5 (got 6)'],
    ['0 0 1 ? *', 'month: ? is only allowed in day of month and day of week'],
    ['0 0 ?,1 * *', 'day of month: ? must stand alone'],
    ['0 0 1 H *', 'month: H is not supported in the month field'],
    ['hello * * * *', 'minute has invalid characters: hello'],
  ])('explains what is wrong with %p', (expression, problem) => {
    expect(cronExpressionProblem(expression)).toBe(problem);
  });

  it.each([
    ['0 0 30 2 *', 'day of month 30 never occurs in February'],
    ['0 0 31 2,4,6 *', 'day of month 31 never occurs in February, April, June'],
    ['0 0 31 2 */2', 'day of month 31 never occurs in February'],
    ['0 0-0 */14 * 1#2', 'day of month */14 and day of week 1#2 never fall on the same day'],
    ['0 0 */20 * 1#2', 'day of month */20 and day of week 1#2 never fall on the same day'],
  ])('refuses %p, which never occurs', (expression, problem) => expect(cronExpressionProblem(expression)).toBe(problem));

  it('accepts 29 February and a restricted day of week that can rescue an impossible date', () => {
    expect(cronExpressionProblem('0 0 29 2 *')).toBeUndefined();
    expect(cronExpressionProblem('0 0 30 2 1')).toBeUndefined(); // day 30 or a Monday in February
    expect(cronExpressionProblem('0 0 */10 * 5L')).toBeUndefined(); // the 31st when it is the last Friday
    expect(cronExpressionProblem('0 0 20-25 * 1#1')).toBeUndefined(); // both restricted: either matches
  });

  it('refuses H where no job gives it a seed', () => {
    expect(cronExpressionProblem('H * * * * *', { hash: false })).toBe('H is not supported here: it needs a job to derive its value from');
    expect(cronExpressionProblem('0 * * * * *', { hash: false })).toBeUndefined();
  });
});

describe('parseCronExpression', () => {
  it('calls a job fixed-time when neither its second, minute nor hour field starts with *', () => {
    expect(parseCronExpression('30 2 * * *').fixedTime).toBe(true);
    expect(parseCronExpression('0 30 2 * * *').fixedTime).toBe(true);
    expect(parseCronExpression('H H * * *', 7).fixedTime).toBe(true);
    expect(parseCronExpression('*/30 2 * * *').fixedTime).toBe(false);
    expect(parseCronExpression('30 * * * *').fixedTime).toBe(false);
    expect(parseCronExpression('* 30 2 * * *').fixedTime).toBe(false);
  });

  it('combines the day fields by OR only when neither starts with * (or is ?)', () => {
    expect(parseCronExpression('0 0 1 * 1').daysCombineByOr).toBe(true);
    expect(parseCronExpression('0 0 */2 * 1').daysCombineByOr).toBe(false);
    expect(parseCronExpression('0 0 1 * */2').daysCombineByOr).toBe(false);
    expect(parseCronExpression('0 0 0 ? * 1').daysCombineByOr).toBe(false);
  });
});
