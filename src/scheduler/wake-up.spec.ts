import { Clock } from '../clock/clock';
import { WakeUp } from './wake-up';

const T0 = Date.parse('2026-12-02T12:00:00.000Z');

/** Jest's modern fake timers move Date.now() with the timers, so the clock reads them. */
const clock = new Clock();

describe('WakeUp', () => {
  let claims: number[];
  let ticks: number[];
  let wakeUp: WakeUp;

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 + 30_000 });
    claims = [];
    ticks = [];
    wakeUp = new WakeUp('0 * * * * *', clock);
  });
  afterEach(async () => {
    await wakeUp.stop();
    jest.useRealTimers();
  });

  const start = () =>
    wakeUp.start({
      claim: async () => void claims.push(Date.now()),
      safetyTick: async () => void ticks.push(Date.now()),
    });
  const at = (offsetMs: number) => new Date(T0 + offsetMs);

  it('claims at the earliest due instant it was armed with, not before', async () => {
    await start();
    wakeUp.arm({ at: at(32_000), dbNow: at(30_000) });
    await jest.advanceTimersByTimeAsync(1_999);
    expect(claims).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(claims).toHaveLength(1);
    expect(claims[0] - T0).toBeGreaterThanOrEqual(32_000);
    expect(claims[0] - T0).toBeLessThanOrEqual(32_001);
  });

  it('measures the wait against the database clock, whatever the instance clock says', async () => {
    await start();
    // The database is 10 s ahead of this instance: due in 1 s by its clock.
    wakeUp.arm({ at: at(41_000), dbNow: at(40_000) });
    await jest.advanceTimersByTimeAsync(1_001);
    expect(claims).toHaveLength(1);
  });

  it('moves the timer earlier on a notice of an earlier instant, never later', async () => {
    await start();
    wakeUp.arm({ at: at(50_000), dbNow: at(30_000) });
    wakeUp.notice(at(31_000));
    wakeUp.notice(at(45_000));
    expect(wakeUp.nextWakeAt).toEqual(at(31_000));
    await jest.advanceTimersByTimeAsync(1_001);
    expect(claims).toHaveLength(1);
  });

  it('keeps a notice that arrived while the claim was reading, though the claim arms a later instant', async () => {
    await start();
    wakeUp.notice(at(33_000));
    wakeUp.arm({ at: at(50_000), dbNow: at(30_000) });
    expect(wakeUp.nextWakeAt).toEqual(at(33_000));
  });

  it('sets no timer when nothing is scheduled, and leaves it to the safety tick', async () => {
    await start();
    wakeUp.arm({ at: null, dbNow: at(30_000) });
    expect(wakeUp.nextWakeAt).toBeUndefined();
    await jest.advanceTimersByTimeAsync(29_999);
    expect(ticks).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ticks).toEqual([T0 + 60_000]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(ticks).toEqual([T0 + 60_000, T0 + 120_000]);
    expect(claims).toEqual([]);
  });

  it('claims at once for an instant already past', async () => {
    await start();
    wakeUp.notice(at(1_000));
    await jest.advanceTimersByTimeAsync(1);
    expect(claims).toHaveLength(1);
  });

  it('reaches an instant beyond the longest timer in steps', async () => {
    const farAhead = 40 * 24 * 3_600_000;
    wakeUp = new WakeUp('0 0 1 1 *', clock);
    await start();
    wakeUp.arm({ at: at(30_000 + farAhead), dbNow: at(30_000) });
    await jest.advanceTimersByTimeAsync(farAhead - 1);
    expect(claims).toEqual([]);
    await jest.advanceTimersByTimeAsync(2);
    expect(claims).toHaveLength(1);
  });

  it('stops: no timer fires after stop, and stop waits for the claim in progress', async () => {
    let finish: () => void = () => undefined;
    await wakeUp.start({ claim: () => new Promise<void>((resolve) => (finish = resolve)), safetyTick: async () => undefined });
    const claiming = wakeUp.runOnce();
    let stopped = false;
    const stopping = wakeUp.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await claiming;
    await stopping;
    expect(stopped).toBe(true);
    wakeUp.notice(at(30_000));
    await jest.advanceTimersByTimeAsync(120_000);
    expect(wakeUp.nextWakeAt).toBeUndefined();
  });
});
