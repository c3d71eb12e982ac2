import { canonicalTimezone, CronSchedule, nextOccurrence, nextOccurrences, UncomputableOccurrence } from './cron-schedule';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString().replace(':00.000Z', 'Z'));
const preview = (expression: string, zone: string, from: string, count: number, seed?: number) =>
  iso(nextOccurrences(expression, zone, new Date(from), count, seed));

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

describe('nextOccurrences on the calendar (UTC)', () => {
  it('reads a 5-field expression to the minute, strictly after the reference', () => {
    expect(preview('0 9 * * *', 'UTC', '2026-11-23T08:59:59.999Z', 2)).toEqual(['2026-11-23T09:00Z', '2026-11-24T09:00Z']);
    expect(preview('0 9 * * *', 'UTC', '2026-11-23T09:00:00.000Z', 1)).toEqual(['2026-11-24T09:00Z']);
  });

  it('reads a 6-field expression to the second', () => {
    expect(iso(nextOccurrences('*/15 * * * * *', 'UTC', new Date('2026-11-23T10:00:07.250Z'), 3))).toEqual([
      '2026-11-23T10:00:15.000Z',
      '2026-11-23T10:00:30.000Z',
      '2026-11-23T10:00:45.000Z',
    ]);
    expect(iso(nextOccurrences('30 0 0 * * *', 'UTC', new Date('2026-11-23T00:00:30Z'), 1))).toEqual(['2026-11-24T00:00:30.000Z']);
  });

  it('finds 29 February from a year that has none', () => {
    expect(preview('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual(['2028-02-29T00:00Z', '2032-02-29T00:00Z', '2036-02-29T00:00Z']);
  });

  it('runs on the 31st only in the months that have one', () => {
    expect(preview('0 0 31 * *', 'UTC', '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-01-31T00:00Z',
      '2026-03-31T00:00Z',
      '2026-05-31T00:00Z',
      '2026-07-31T00:00Z',
      '2026-08-31T00:00Z',
    ]);
  });

  it('runs on the last day of each month with L', () => {
    expect(preview('0 0 L * *', 'UTC', '2027-12-31T00:00:00Z', 3)).toEqual(['2028-01-31T00:00Z', '2028-02-29T00:00Z', '2028-03-31T00:00Z']);
  });

  it('runs on the last or n-th weekday of the month with 5L and 5#3', () => {
    // January 2026 starts on a Thursday: its Fridays are the 2nd, 9th, 16th, 23rd and 30th.
    expect(preview('0 0 * * 5L', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-30T00:00Z', '2026-02-27T00:00Z']);
    expect(preview('0 0 * * FRI#3', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-16T00:00Z', '2026-02-20T00:00Z']);
  });

  it('matches a day when either day field matches if both are restricted', () => {
    // March 2026: Sunday the 1st, so Mondays are the 2nd, 9th, 16th, 23rd and 30th; the 15th is a Sunday.
    expect(preview('0 0 15 * 1', 'UTC', '2026-03-01T00:00:00Z', 5)).toEqual([
      '2026-03-02T00:00Z',
      '2026-03-09T00:00Z',
      '2026-03-15T00:00Z',
      '2026-03-16T00:00Z',
      '2026-03-23T00:00Z',
    ]);
  });

  it('counts a day field starting with * as unrestricted, so */2 with a weekday means both', () => {
    // January 2026 Mondays: 5, 12, 19, 26; February: 2, 9, 16, 23. Only the odd days remain.
    expect(preview('0 0 */2 * 1', 'UTC', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-05T00:00Z',
      '2026-01-19T00:00Z',
      '2026-02-09T00:00Z',
      '2026-02-23T00:00Z',
    ]);
    // Not starting with *: odd days or Mondays.
    expect(preview('0 0 1-31/2 * 1', 'UTC', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-03T00:00Z',
      '2026-01-05T00:00Z',
      '2026-01-07T00:00Z',
      '2026-01-09T00:00Z',
    ]);
  });

  it('takes Sunday as 0 or 7, alone, in lists and in ranges', () => {
    const sundays = ['2026-01-04T00:00Z', '2026-01-11T00:00Z'];
    for (const expression of ['0 0 * * 0', '0 0 * * 7', '0 0 * * 0,7', '0 0 * * SUN', '0 0 * * sun,7']) {
      expect(preview(expression, 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(sundays);
    }
    expect(preview('0 0 * * 6-7,0', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-03T00:00Z', '2026-01-04T00:00Z', '2026-01-10T00:00Z']);
    expect(preview('0 0 * * 5-7', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-02T00:00Z', '2026-01-03T00:00Z', '2026-01-04T00:00Z']);
  });

  it('accepts repeated values and overlapping ranges', () => {
    expect(preview('0-10,5 * * * *', 'UTC', '2026-01-01T00:09:00Z', 3)).toEqual(['2026-01-01T00:10Z', '2026-01-01T01:00Z', '2026-01-01T01:01Z']);
    expect(preview('*/20,0 * * * *', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-01T00:20Z', '2026-01-01T00:40Z', '2026-01-01T01:00Z']);
    expect(preview('0 0 * JAN,1 *', 'UTC', '2026-01-31T00:00:00Z', 1)).toEqual(['2027-01-01T00:00Z']);
  });

  it('reads the macros as their five fields', () => {
    const from = '2026-06-15T12:34:56Z';
    expect(preview('@yearly', 'UTC', from, 1)).toEqual(['2027-01-01T00:00Z']);
    expect(preview('@annually', 'UTC', from, 1)).toEqual(['2027-01-01T00:00Z']);
    expect(preview('@monthly', 'UTC', from, 1)).toEqual(['2026-07-01T00:00Z']);
    expect(preview('@weekly', 'UTC', from, 1)).toEqual(['2026-06-21T00:00Z']); // the Sunday after Monday 15 June
    expect(preview('@daily', 'UTC', from, 1)).toEqual(['2026-06-16T00:00Z']);
    expect(preview('@midnight', 'UTC', from, 1)).toEqual(['2026-06-16T00:00Z']);
    expect(preview('@hourly', 'UTC', from, 1)).toEqual(['2026-06-15T13:00Z']);
  });

  it('crosses the end of a year', () => {
    expect(preview('59 23 31 12 *', 'UTC', '2026-12-31T23:59:00Z', 1)).toEqual(['2027-12-31T23:59Z']);
    expect(preview('0 0 1 1 *', 'UTC', '2026-12-31T23:59:59.500Z', 1)).toEqual(['2027-01-01T00:00Z']);
    expect(nextOccurrences('* * * * * *', 'UTC', new Date('2026-12-31T23:59:58Z'), 2).map((date) => date.toISOString())).toEqual([
      '2026-12-31T23:59:59.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(preview('0 12 * * *', 'Pacific/Kiritimati', '2026-12-30T23:00:00Z', 2)).toEqual(['2026-12-31T22:00Z', '2027-01-01T22:00Z']); // UTC+14
  });

  it('stops at the end of representable time instead of failing', () => {
    expect(preview('* * * * *', 'UTC', '+275760-09-12T23:58:00Z', 5)).toEqual(['+275760-09-12T23:59Z', '+275760-09-13T00:00Z']);
    expect(nextOccurrence('0 0 1 1 *', 'UTC', new Date('+275760-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('nextOccurrences in a time zone', () => {
  it('reads the expression in the job time zone', () => {
    // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC; in Paris in November (UTC+1) it is 08:00 UTC.
    expect(preview('0 9 * * *', 'Asia/Tokyo', '2026-11-23T12:00:00Z', 1)).toEqual(['2026-11-24T00:00Z']);
    expect(preview('0 9 * * *', 'Europe/Paris', '2026-11-23T12:00:00Z', 1)).toEqual(['2026-11-24T08:00Z']);
  });

  it('honours day-of-week ranges in the job time zone', () => {
    // Friday 2026-11-27 18:00 in New York (UTC-5) is 23:00 UTC; the next weekday 09:00 is Monday 30th, 14:00 UTC.
    expect(preview('0 9 * * 1-5', 'America/New_York', '2026-11-27T23:00:00Z', 1)).toEqual(['2026-11-30T14:00Z']);
  });
});

/**
 * Each daylight-saving case of cronie's rules, worked out by hand from the zones' rules for 2026.
 * Fixed-time (no `*` at the start of the minute or hour): a time in a gap runs once at the end of
 * the gap; a repeated time runs in the first pass only. Wildcard: nothing in a gap, both passes.
 */
describe.each([
  {
    zone: 'Europe/Berlin',
    // 29 March: 02:00 CET (UTC+1) jumps to 03:00 CEST (UTC+2) at 01:00Z.
    // 25 October: 03:00 CEST falls back to 02:00 CET at 01:00Z, so 02:00-02:59 happens twice.
    fixedGap: ['30 2 * * *', '2026-03-28T00:00:00Z', ['2026-03-28T01:30Z', '2026-03-29T01:00Z', '2026-03-30T00:30Z']],
    wildcardGap: ['*/30 2 * * *', '2026-03-28T00:00:00Z', ['2026-03-28T01:00Z', '2026-03-28T01:30Z', '2026-03-30T00:00Z']],
    fixedRepeat: ['30 2 * * *', '2026-10-24T00:00:00Z', ['2026-10-24T00:30Z', '2026-10-25T00:30Z', '2026-10-26T01:30Z']],
    wildcardRepeat: ['*/30 2 * * *', '2026-10-25T00:00:00Z', ['2026-10-25T00:30Z', '2026-10-25T01:00Z', '2026-10-25T01:30Z', '2026-10-26T01:00Z']],
    // From 02:00 CET, inside the second pass: the first pass's 02:30 is behind, the second is skipped.
    insideRepeat: ['30 2 * * *', '2026-10-25T01:00:00Z', ['2026-10-26T01:30Z']],
  },
  {
    zone: 'America/New_York',
    // 8 March: 02:00 EST (UTC-5) jumps to 03:00 EDT (UTC-4) at 07:00Z.
    // 1 November: 02:00 EDT falls back to 01:00 EST at 06:00Z.
    fixedGap: ['30 2 * * *', '2026-03-07T00:00:00Z', ['2026-03-07T07:30Z', '2026-03-08T07:00Z', '2026-03-09T06:30Z']],
    wildcardGap: ['*/20 2 * * *', '2026-03-08T06:00:00Z', ['2026-03-09T06:00Z', '2026-03-09T06:20Z', '2026-03-09T06:40Z']],
    fixedRepeat: ['30 1 * * *', '2026-10-31T00:00:00Z', ['2026-10-31T05:30Z', '2026-11-01T05:30Z', '2026-11-02T06:30Z']],
    wildcardRepeat: ['*/30 1 * * *', '2026-11-01T04:50:00Z', ['2026-11-01T05:00Z', '2026-11-01T05:30Z', '2026-11-01T06:00Z', '2026-11-01T06:30Z', '2026-11-02T06:00Z']],
    // From 06:00Z (01:00 EST, the second 01:00): the second 01:30 does not run.
    insideRepeat: ['30 1 * * *', '2026-11-01T06:00:00Z', ['2026-11-02T06:30Z']],
  },
  {
    zone: 'Australia/Lord_Howe',
    // 4 October: 02:00 (UTC+10:30) jumps to 02:30 (UTC+11) at 15:30Z on 3 October: a 30-minute gap.
    // 5 April: 02:00 (UTC+11) falls back to 01:30 (UTC+10:30) at 15:00Z on 4 April.
    fixedGap: ['15 2 * * *', '2026-10-02T00:00:00Z', ['2026-10-02T15:45Z', '2026-10-03T15:30Z', '2026-10-04T15:15Z']],
    wildcardGap: ['*/10 2 * * *', '2026-10-03T15:00:00Z', ['2026-10-03T15:30Z', '2026-10-03T15:40Z', '2026-10-03T15:50Z', '2026-10-04T15:00Z']],
    fixedRepeat: ['45 1 * * *', '2026-04-03T00:00:00Z', ['2026-04-03T14:45Z', '2026-04-04T14:45Z', '2026-04-05T15:15Z']],
    // Only 01:30-01:59 repeats: of 01:00, 01:20 and 01:40, only 01:40 runs twice.
    wildcardRepeat: ['*/20 1 * * *', '2026-04-04T13:59:00Z', ['2026-04-04T14:00Z', '2026-04-04T14:20Z', '2026-04-04T14:40Z', '2026-04-04T15:10Z', '2026-04-05T14:30Z']],
    insideRepeat: ['45 1 * * *', '2026-04-04T15:00:00Z', ['2026-04-05T15:15Z']],
  },
  {
    zone: 'Pacific/Chatham',
    // 27 September: 02:45 (UTC+12:45) jumps to 03:45 (UTC+13:45) at 14:00Z on 26 September.
    // 5 April: 03:45 (UTC+13:45) falls back to 02:45 (UTC+12:45) at 14:00Z on 4 April.
    fixedGap: ['0 3 * * *', '2026-09-25T00:00:00Z', ['2026-09-25T14:15Z', '2026-09-26T14:00Z', '2026-09-27T13:15Z']],
    wildcardGap: ['*/15 3 * * *', '2026-09-26T00:00:00Z', ['2026-09-26T14:00Z', '2026-09-27T13:15Z']],
    fixedRepeat: ['0 3 * * *', '2026-04-03T00:00:00Z', ['2026-04-03T13:15Z', '2026-04-04T13:15Z', '2026-04-05T14:15Z']],
    wildcardRepeat: ['*/15 3 * * *', '2026-04-04T13:00:00Z', ['2026-04-04T13:15Z', '2026-04-04T13:30Z', '2026-04-04T13:45Z', '2026-04-04T14:15Z', '2026-04-04T14:30Z', '2026-04-04T14:45Z', '2026-04-04T15:00Z', '2026-04-05T14:15Z']],
    insideRepeat: ['0 3 * * *', '2026-04-04T14:00:00Z', ['2026-04-05T14:15Z']],
  },
  {
    zone: 'America/Havana',
    // 8 March: midnight (UTC-5) jumps to 01:00 (UTC-4) at 05:00Z: the day starts at 01:00.
    // 1 November: 01:00 (UTC-4) falls back to midnight (UTC-5) at 05:00Z: midnight happens twice.
    fixedGap: ['0 0 * * *', '2026-03-07T00:00:00Z', ['2026-03-07T05:00Z', '2026-03-08T05:00Z', '2026-03-09T04:00Z']],
    wildcardGap: ['*/30 0 * * *', '2026-03-07T00:00:00Z', ['2026-03-07T05:00Z', '2026-03-07T05:30Z', '2026-03-09T04:00Z']],
    fixedRepeat: ['0 0 * * *', '2026-10-31T00:00:00Z', ['2026-10-31T04:00Z', '2026-11-01T04:00Z', '2026-11-02T05:00Z']],
    wildcardRepeat: ['*/30 0 * * *', '2026-11-01T00:00:00Z', ['2026-11-01T04:00Z', '2026-11-01T04:30Z', '2026-11-01T05:00Z', '2026-11-01T05:30Z', '2026-11-02T05:00Z']],
    insideRepeat: ['0 0 * * *', '2026-11-01T05:00:00Z', ['2026-11-02T05:00Z']],
  },
] as const)('across daylight-saving changes in $zone', ({ zone, fixedGap, wildcardGap, fixedRepeat, wildcardRepeat, insideRepeat }) => {
  const check = ([expression, from, expected]: readonly [string, string, readonly string[]]) =>
    expect(preview(expression, zone, from, expected.length)).toEqual(expected);

  it('runs a fixed-time job whose time falls in the gap once, at the end of the gap', () => check(fixedGap));
  it('runs a wildcard job only at the wall times that exist', () => check(wildcardGap));
  it('runs a fixed-time job in the repeated interval once, in the first pass', () => check(fixedRepeat));
  it('runs a wildcard job in both passes of the repeated interval', () => check(wildcardRepeat));
  it('gives a computation started inside the repeated interval the same answer as one arriving there', () => check(insideRepeat));
});

describe('the findings of issue 14', () => {
  it('keeps an hourly job alive across the Lord Howe and Chatham fall-backs', () => {
    expect(preview('0 * * * *', 'Australia/Lord_Howe', '2026-04-04T14:00:00Z', 2)).toEqual(['2026-04-04T15:30Z', '2026-04-04T16:30Z']);
    expect(preview('50 * * * *', 'Pacific/Chatham', '2026-04-04T13:05:00Z', 2)).toEqual(['2026-04-04T14:05Z', '2026-04-04T15:05Z']);
  });

  it('runs every quarter hour through the Chatham fall-back, and never answers a time before `from`', () => {
    const quarters = Array.from({ length: 9 }, (_, index) => new Date(Date.UTC(2026, 3, 4, 13, 15 * (index + 1))).toISOString().replace(':00.000Z', 'Z'));
    expect(preview('*/15 * * * *', 'Pacific/Chatham', '2026-04-04T13:00:00Z', 9)).toEqual(quarters);
    expect(preview('5 * * * *', 'Pacific/Chatham', '2026-04-04T13:12:15Z', 1)).toEqual(['2026-04-04T13:20Z']);
  });

  it('previews exactly the chain of single next computations', () => {
    const chain: string[] = [];
    for (let after = new Date('2026-03-08T06:00:00Z'); chain.length < 3; ) {
      after = nextOccurrence('*/20 2 * * *', 'America/New_York', after) as Date;
      chain.push(after.toISOString().replace(':00.000Z', 'Z'));
    }
    expect(preview('*/20 2 * * *', 'America/New_York', '2026-03-08T06:00:00Z', 3)).toEqual(chain);
  });
});

describe('H', () => {
  it('is one value per job, the same in every computation, and differs between jobs', () => {
    const from = new Date('2026-06-15T12:00:00Z');
    const minutes = (seed: number) => nextOccurrences('H * * * *', 'UTC', from, 3, seed).map((date) => date.getUTCMinutes());
    for (const seed of [1, 2, 3]) {
      expect(new Set(minutes(seed)).size).toBe(1);
      expect(minutes(seed)).toEqual(minutes(seed));
      expect(nextOccurrence('H * * * *', 'UTC', from, seed)).toEqual(nextOccurrences('H * * * *', 'UTC', from, 1, seed)[0]);
    }
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => minutes(seed)[0])).size).toBeGreaterThan(1);
  });

  it('keeps within a range and steps from a derived start', () => {
    for (let seed = 1; seed <= 50; seed += 1) {
      const [first] = nextOccurrences('H(10-14) * * * *', 'UTC', new Date('2026-06-15T12:00:00Z'), 1, seed);
      expect(first.getUTCMinutes()).toBeGreaterThanOrEqual(10);
      expect(first.getUTCMinutes()).toBeLessThanOrEqual(14);
      const quarters = nextOccurrences('H/15 * * * *', 'UTC', new Date('2026-06-15T12:00:00Z'), 4, seed).map((date) => date.getUTCMinutes());
      expect(new Set(quarters).size).toBe(4);
      expect(new Set(quarters.map((minute) => minute % 15)).size).toBe(1);
      expect(nextOccurrence('0 0 H * *', 'UTC', new Date('2026-01-31T23:59:59Z'), seed)?.getUTCMonth()).toBe(1); // days 1-28 exist in February
    }
  });

  it('is refused without a seed rather than chosen at random', () => {
    expect(() => nextOccurrence('H * * * *', 'UTC', new Date())).toThrow(UncomputableOccurrence);
  });
});

describe('CronSchedule', () => {
  it('throws UncomputableOccurrence for a stored expression or zone it cannot read', () => {
    expect(() => new CronSchedule('0 12 15W * *', 'UTC')).toThrow(/cannot read '0 12 15W \* \*': day of month: W \(nearest weekday\) is not supported/);
    expect(() => new CronSchedule('0 12 * * *', 'Mars/Olympus')).toThrow(UncomputableOccurrence);
  });
});
