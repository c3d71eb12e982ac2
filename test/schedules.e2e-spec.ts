import { startTestApp, type TestApp } from './support/test-app';

describe('GET /schedules/preview', () => {
  let t: TestApp;
  const preview = (query: Record<string, string>) => t.http.get('/schedules/preview').query(query);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('previews', () => {
    it('lists the next occurrences of a 5-field expression strictly after `from`', async () => {
      const { body } = await preview({ schedule: '0 9 * * *', from: '2026-11-23T09:00:00Z', count: '3' }).expect(200);
      expect(body).toEqual(['2026-11-24T09:00:00.000Z', '2026-11-25T09:00:00.000Z', '2026-11-26T09:00:00.000Z']);
    });

    it('reads a 6-field expression to the second', async () => {
      const { body } = await preview({ schedule: '*/20 * * * * *', from: '2026-11-23T10:00:05.500Z', count: '4' }).expect(200);
      expect(body).toEqual([
        '2026-11-23T10:00:20.000Z',
        '2026-11-23T10:00:40.000Z',
        '2026-11-23T10:01:00.000Z',
        '2026-11-23T10:01:20.000Z',
      ]);
    });

    it('reads the expression in the given time zone, whatever its letter case', async () => {
      // Weekdays at 09:00 in Tokyo (UTC+9, no DST) are 00:00 UTC the same day; Saturday 2026-11-28 and
      // Sunday 29th are left out.
      const { body } = await preview({ schedule: '0 9 * * 1-5', timezone: 'asia/tokyo', from: '2026-11-26T12:00:00Z', count: '3' }).expect(
        200,
      );
      expect(body).toEqual(['2026-11-27T00:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    });

    it('returns 5 occurrences by default, starting from now', async () => {
      const before = Date.now();
      const { body } = await preview({ schedule: '* * * * * *' }).expect(200);
      const after = Date.now();
      expect(body).toHaveLength(5);
      const times = (body as string[]).map((iso) => new Date(iso).getTime());
      expect(times[0]).toBeGreaterThan(before - 1000);
      expect(times[0]).toBeLessThanOrEqual(after + 1000);
      for (let index = 1; index < times.length; index += 1) expect(times[index] - times[index - 1]).toBe(1000);
    });

    it('returns up to 100 occurrences', async () => {
      const { body } = await preview({ schedule: '0 * * * *', from: '2026-01-01T00:00:00Z', count: '100' }).expect(200);
      expect(body).toHaveLength(100);
      expect(body[99]).toBe('2026-01-05T04:00:00.000Z'); // the 100th hour after midnight: 4 days and 4 hours
    });

    it('lists only the occurrences left before the end of representable time, rather than failing', async () => {
      // JavaScript dates end at +275760-09-13T00:00:00Z, itself representable: two minutes remain after this `from`.
      const { body } = await preview({ schedule: '* * * * *', from: '+275760-09-12T23:58:00Z', count: '5' }).expect(200);
      expect(body).toEqual(['+275760-09-12T23:59:00.000Z', '+275760-09-13T00:00:00.000Z']);
    });

    it.each([
      ['0 0 * * 0,7', ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z']],
      ['0 0 * * 6-7,0', ['2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z']],
      ['0-10,5 * * * *', ['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']],
      ['*/20,0 * * * *', ['2026-01-01T00:20:00.000Z', '2026-01-01T00:40:00.000Z']],
      ['0 0 1,1 * *', ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']],
      ['0 0 * JAN,1 *', ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']],
      ['@daily', ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']],
      ['@hourly', ['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']],
      ['@weekly', ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z']],
      ['@monthly', ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']],
      ['@yearly', ['2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z']],
    ])('accepts classic cron %p, repeats, Sunday as 7 and macros included', async (schedule, expected) => {
      const { body } = await preview({ schedule, from: '2026-01-01T00:00:00Z', count: '2' }).expect(200);
      expect(body).toEqual(expected);
    });

    it('derives H from the seed, the same on every preview', async () => {
      const query = { schedule: 'H * * * *', from: '2026-01-01T00:00:00Z', count: '3', seed: '42' };
      const first = (await preview(query).expect(200)).body as string[];
      for (let index = 0; index < 4; index += 1) expect((await preview(query).expect(200)).body).toEqual(first);
      const minutes = first.map((instant) => new Date(instant).getUTCMinutes());
      expect(new Set(minutes).size).toBe(1);
      const others = await Promise.all(['1', '2', '3', '4', '5'].map((seed) => preview({ ...query, seed }).expect(200)));
      expect(new Set(others.map(({ body }) => body[0])).size).toBeGreaterThan(1);
    });

    // America/New_York, 2026: on Sunday 8 March clocks jump from 02:00 EST (UTC-5) to 03:00 EDT (UTC-4);
    // on Sunday 1 November they fall back from 02:00 EDT (UTC-4) to 01:00 EST (UTC-5).
    describe('across daylight-saving changes in America/New_York', () => {
      it('keeps a daily 09:00 at 09:00 local, so one hour earlier in UTC after spring-forward', async () => {
        const { body } = await preview({
          schedule: '0 9 * * *',
          timezone: 'America/New_York',
          from: '2026-03-06T00:00:00Z',
          count: '4',
        }).expect(200);
        expect(body).toEqual([
          '2026-03-06T14:00:00.000Z', // Fri 09:00 EST
          '2026-03-07T14:00:00.000Z', // Sat 09:00 EST
          '2026-03-08T13:00:00.000Z', // Sun 09:00 EDT
          '2026-03-09T13:00:00.000Z', // Mon 09:00 EDT
        ]);
      });

      it('skips the wall-clock times that do not exist on the spring-forward day', async () => {
        // From 01:00 EST: 01:30 EST, then 02:00 and 02:30 never happen, so 03:00 EDT comes 30 real minutes later.
        const { body } = await preview({
          schedule: '*/30 * * * *',
          timezone: 'America/New_York',
          from: '2026-03-08T06:00:00Z',
          count: '4',
        }).expect(200);
        expect(body).toEqual([
          '2026-03-08T06:30:00.000Z', // 01:30 EST
          '2026-03-08T07:00:00.000Z', // 03:00 EDT
          '2026-03-08T07:30:00.000Z', // 03:30 EDT
          '2026-03-08T08:00:00.000Z', // 04:00 EDT
        ]);
      });

      it('keeps a daily 09:00 at 09:00 local, so one hour later in UTC after fall-back', async () => {
        const { body } = await preview({
          schedule: '0 9 * * *',
          timezone: 'America/New_York',
          from: '2026-10-30T00:00:00Z',
          count: '4',
        }).expect(200);
        expect(body).toEqual([
          '2026-10-30T13:00:00.000Z', // Fri 09:00 EDT
          '2026-10-31T13:00:00.000Z', // Sat 09:00 EDT
          '2026-11-01T14:00:00.000Z', // Sun 09:00 EST
          '2026-11-02T14:00:00.000Z', // Mon 09:00 EST
        ]);
      });

      it('runs a fixed time inside the missing hour once, at the end of the gap, and a repeated one once', async () => {
        const spring = await preview({ schedule: '30 2 * * *', timezone: 'America/New_York', from: '2026-03-07T12:00:00Z', count: '2' }).expect(200);
        expect(spring.body).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']); // 03:00 EDT, then 02:30 EDT
        // From inside the repeated hour (01:00 EST), the second 01:30 does not run.
        const fall = await preview({ schedule: '30 1 * * *', timezone: 'America/New_York', from: '2026-11-01T06:00:00Z', count: '1' }).expect(200);
        expect(fall.body).toEqual(['2026-11-02T06:30:00.000Z']);
      });

      it('previews what the scheduler will run: nothing for a wildcard job in the missing hour', async () => {
        const { body } = await preview({ schedule: '*/20 2 * * *', timezone: 'America/New_York', from: '2026-03-08T06:00:00Z', count: '2' }).expect(200);
        expect(body).toEqual(['2026-03-09T06:00:00.000Z', '2026-03-09T06:20:00.000Z']);
      });

      it('runs an every-30-minutes schedule through both passes of the repeated hour on the fall-back day', async () => {
        // The hour field is a wildcard, so every real half hour counts (as in Vixie cron): 01:00 and 01:30
        // happen once in EDT and again in EST.
        const { body } = await preview({
          schedule: '*/30 * * * *',
          timezone: 'America/New_York',
          from: '2026-11-01T04:50:00Z',
          count: '6',
        }).expect(200);
        expect(body).toEqual([
          '2026-11-01T05:00:00.000Z', // 01:00 EDT
          '2026-11-01T05:30:00.000Z', // 01:30 EDT
          '2026-11-01T06:00:00.000Z', // 01:00 EST
          '2026-11-01T06:30:00.000Z', // 01:30 EST
          '2026-11-01T07:00:00.000Z', // 02:00 EST
          '2026-11-01T07:30:00.000Z', // 02:30 EST
        ]);
      });
    });
  });

  describe('refuses', () => {
    const expectBadRequest = async (query: Record<string, string>, message: string) => {
      const { body } = await preview(query).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.message).toContain(message);
      expect(body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: message.split(':')[0] })]));
    };

    it.each([
      ['a missing schedule', {}, 'schedule: is required'],
      ['an empty schedule', { schedule: '' }, 'schedule: \'\' is not a valid cron expression: expected 5 fields'],
      ['a minute out of range', { schedule: '61 * * * *' }, "schedule: '61 * * * *' is not a valid cron expression: minute must be 0-59 (got 61)"],
      ['a second out of range', { schedule: '60 0 * * * *' }, "schedule: '60 0 * * * *' is not a valid cron expression: second must be 0-59 (got 60)"],
      ['an hour out of range', { schedule: '0 24 * * *' }, 'schedule: \'0 24 * * *\' is not a valid cron expression: hour must be 0-23 (got 24)'],
      ['letters in a field', { schedule: '* * * x *' }, "schedule: '* * * x *' is not a valid cron expression: month has invalid characters: x"],
      ['too many fields', { schedule: '* * * * * * *' }, "schedule: '* * * * * * *' is not a valid cron expression: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got 7"],
      ['a date that never exists', { schedule: '0 0 30 2 *' }, "schedule: '0 0 30 2 *' is not a valid cron expression: day of month 30 never occurs in February"],
      ['@reboot', { schedule: '@reboot' }, "schedule: '@reboot' is not a valid cron expression: @reboot is not supported"],
      ['an unknown macro', { schedule: '@often' }, "schedule: '@often' is not a valid cron expression: unknown macro @often"],
      ['W', { schedule: '0 0 15W * *' }, "schedule: '0 0 15W * *' is not a valid cron expression: day of month: W (nearest weekday) is not supported"],
      ['L outside the day fields', { schedule: '0 L * * *' }, "schedule: '0 L * * *' is not a valid cron expression: hour: L is not supported"],
      ['H in the month field', { schedule: '0 0 1 H *' }, "schedule: '0 0 1 H *' is not a valid cron expression: month: H is not supported in the month field"],
      ['a range that runs backwards', { schedule: '0 22-2 * * *' }, "schedule: '0 22-2 * * *' is not a valid cron expression: hour range 22-2 runs backwards"],
      ['a step of 0', { schedule: '*/0 * * * *' }, "schedule: '*/0 * * * *' is not a valid cron expression: minute step must be a whole number from 1 (got 0)"],
      ['H without a seed', { schedule: 'H * * * *' }, 'seed: is required when the schedule uses H'],
      ['a seed that is not a job id', { schedule: 'H * * * *', seed: '0' }, 'seed: must not be less than 1'],
      ['a seed that is not a number', { schedule: 'H * * * *', seed: 'x' }, 'seed: must be an integer number'],
      ['an unknown time zone', { schedule: '0 9 * * *', timezone: 'Mars/Olympus' }, "timezone: 'Mars/Olympus' is not an IANA time zone"],
      ['an empty time zone', { schedule: '0 9 * * *', timezone: '' }, "timezone: '' is not an IANA time zone"],
      ['count 0', { schedule: '0 9 * * *', count: '0' }, 'count: must not be less than 1'],
      ['count 101', { schedule: '0 9 * * *', count: '101' }, 'count: must not be greater than 100'],
      ['a count that is not a number', { schedule: '0 9 * * *', count: 'five' }, 'count: must be an integer number'],
      ['a fractional count', { schedule: '0 9 * * *', count: '2.5' }, 'count: must be an integer number'],
      ['a `from` that is not a date', { schedule: '0 9 * * *', from: 'yesterday' }, 'from: must be an ISO-8601 date-time'],
      ['an impossible `from` date', { schedule: '0 9 * * *', from: '2026-02-30T25:00:00Z' }, 'from: must be an ISO-8601 date-time'],
      ['a `from` near the start of representable time', { schedule: '0 9 * * *', from: '-271820-12-31T23:59:58.444Z' }, 'from: must be in the year 1000 or later'],
      ['an unknown query field', { schedule: '0 9 * * *', colour: 'red' }, 'colour: is not a known field'],
    ])('answers 400 naming the field for %s', (_, query, message) => expectBadRequest(query, message));

    it('names every bad field at once', async () => {
      const { body } = await preview({ schedule: '0 25 * * *', timezone: 'Nowhere', count: '0' }).expect(400);
      expect(body.message).toContain('schedule: ');
      expect(body.message).toContain('timezone: ');
      expect(body.message).toContain('count: ');
    });
  });
});
