import { canonicalTimezone, cronExpressionProblem, nextOccurrence, nextOccurrences } from './cron-schedule';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('cronExpressionProblem', () => {
  it.each(['0 9 * * *', '*/5 * * * *', '0 0 9 * * 1-5', '*/10 * * * * *', '  0   9 * * *  ', '0 12 L * *', '0 0 1 JAN,JUL *'])(
    'accepts %p',
    (expression) => expect(cronExpressionProblem(expression)).toBeUndefined(),
  );

  it.each([
    ['61 * * * *', 'minute must be 0-59 (got 61)'],
    ['0 24 * * *', 'hour must be 0-23 (got 24)'],
    ['0 0 32 * *', 'day of month must be 1-31 (got 32)'],
    ['0 0 1 13 *', 'month must be 1-12 (got 13)'],
    ['60 0 0 * * *', 'second must be 0-59 (got 60)'],
    ['* * * x *', 'month has invalid characters: x'],
    ['* * *', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 3'],
    ['* * * * * * *', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 7'],
    ['', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 0'],
    ['@daily', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 1'],
  ])('explains what is wrong with %p', (expression, problem) => {
    expect(cronExpressionProblem(expression)).toBe(problem);
  });

  it('explains an impossible date that no single field shows', () => {
    expect(cronExpressionProblem('0 0 31 2 *')).toMatch(/day of month/i);
  });
});

describe('canonicalTimezone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    ['america/new_york', 'America/New_York'],
  ])('knows %p as %p', (input, canonical) => expect(canonicalTimezone(input)).toBe(canonical));

  it.each(['Mars/Base', '', ' UTC', 'Europe/Nowhere', 'GMT+25'])('rejects %p', (input) => {
    expect(canonicalTimezone(input)).toBeUndefined();
  });
});

describe('nextOccurrences', () => {
  it('reads a 5-field expression to the minute, strictly after the reference', () => {
    expect(iso(nextOccurrences('0 9 * * *', 'UTC', new Date('2026-11-23T08:59:59.999Z'), 2))).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-24T09:00:00.000Z',
    ]);
    expect(nextOccurrence('0 9 * * *', 'UTC', new Date('2026-11-23T09:00:00.000Z'))?.toISOString()).toBe(
      '2026-11-24T09:00:00.000Z',
    );
  });

  it('reads a 6-field expression to the second', () => {
    expect(iso(nextOccurrences('*/15 * * * * *', 'UTC', new Date('2026-11-23T10:00:07.250Z'), 3))).toEqual([
      '2026-11-23T10:00:15.000Z',
      '2026-11-23T10:00:30.000Z',
      '2026-11-23T10:00:45.000Z',
    ]);
  });

  it('reads the expression in the job time zone', () => {
    // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC; in Paris in November (UTC+1) it is 08:00 UTC.
    expect(nextOccurrence('0 9 * * *', 'Asia/Tokyo', new Date('2026-11-23T12:00:00Z'))?.toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    );
    expect(nextOccurrence('0 9 * * *', 'Europe/Paris', new Date('2026-11-23T12:00:00Z'))?.toISOString()).toBe(
      '2026-11-24T08:00:00.000Z',
    );
  });

  it('honours day-of-week ranges in the job time zone', () => {
    // Friday 2026-11-27 18:00 in New York (UTC-5) is 23:00 UTC; the next weekday 09:00 is Monday 30th, 14:00 UTC.
    expect(nextOccurrence('0 9 * * 1-5', 'America/New_York', new Date('2026-11-27T23:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T14:00:00.000Z',
    );
  });

  describe('across daylight-saving changes in America/New_York', () => {
    // 2026-03-08: clocks go from 02:00 EST (UTC-5) straight to 03:00 EDT (UTC-4).
    it('fires an hourly job 23 times on the spring-forward day, once per real hour', () => {
      const day = nextOccurrences('0 * * * *', 'America/New_York', new Date('2026-03-08T04:59:00Z'), 23);
      expect(day[0].toISOString()).toBe('2026-03-08T05:00:00.000Z'); // 00:00 EST
      expect(day[1].toISOString()).toBe('2026-03-08T06:00:00.000Z'); // 01:00 EST
      expect(day[2].toISOString()).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT: 02:00 does not exist
      expect(day[22].toISOString()).toBe('2026-03-09T03:00:00.000Z'); // 23:00 EDT
      expect(nextOccurrence('0 * * * *', 'America/New_York', day[22])?.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    });

    it('runs a daily job set inside the missing hour once, an hour later, on the spring-forward day', () => {
      expect(iso(nextOccurrences('30 2 * * *', 'America/New_York', new Date('2026-03-07T00:00:00Z'), 3))).toEqual([
        '2026-03-07T07:30:00.000Z', // 02:30 EST
        '2026-03-08T07:30:00.000Z', // 02:30 does not exist: 03:30 EDT
        '2026-03-09T06:30:00.000Z', // 02:30 EDT
      ]);
    });

    // 2026-11-01: clocks go from 02:00 EDT (UTC-4) back to 01:00 EST (UTC-5).
    it('fires an hourly job 25 times on the fall-back day, 01:00 twice', () => {
      const day = nextOccurrences('0 * * * *', 'America/New_York', new Date('2026-11-01T03:59:00Z'), 25);
      expect(day[0].toISOString()).toBe('2026-11-01T04:00:00.000Z'); // 00:00 EDT
      expect(day[1].toISOString()).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT
      expect(day[2].toISOString()).toBe('2026-11-01T06:00:00.000Z'); // 01:00 EST
      expect(day[3].toISOString()).toBe('2026-11-01T07:00:00.000Z'); // 02:00 EST
      expect(day[24].toISOString()).toBe('2026-11-02T04:00:00.000Z'); // 23:00 EST
      expect(new Set(iso(day)).size).toBe(25);
    });

    it('runs a daily job set inside the repeated hour only once on the fall-back day', () => {
      expect(iso(nextOccurrences('30 1 * * *', 'America/New_York', new Date('2026-10-31T00:00:00Z'), 3))).toEqual([
        '2026-10-31T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T05:30:00.000Z', // the first 01:30 (EDT) only
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      ]);
    });
  });
});
