import { ClaimLoop } from '../src/scheduler/claim-loop';
import { WakeUp } from '../src/scheduler/wake-up';
import { MovedClock } from './support/moved-clock';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/** Readiness reads the injected clock, as the claim loop stamps its passes with it: a test moves time instead of waiting minutes. */
describe('readiness of the scheduler, on a moved clock', () => {
  const clock = new MovedClock();
  let t: TestApp;

  beforeAll(async () => {
    // The default safety tick, every minute: a pass older than three of them (180 s) is a stuck scheduler.
    t = await startTestApp({ SCHEDULER_ENABLED: 'true' }, { clock });
  }, 120_000);
  afterAll(() => t?.close(), 60_000);

  it('reports the scheduler down once no claim pass completed for three tick intervals, and up after the next pass', async () => {
    await waitFor(async () => (await t.http.get('/health')).status === 200, 15_000, 'the instance to be ready');

    // Nothing but this test claims from here on: the first passes (at start, once the listener is up)
    // could otherwise land after the clock moved.
    await t.app.get(WakeUp).stop();
    clock.advance(240_000);
    const stuck = await t.http.get('/health').expect(503);
    expect(stuck.body.details.scheduler).toMatchObject({
      status: 'down',
      message: expect.stringMatching(/^no completed tick for \d+ ms \(limit 180000 ms\)$/),
    });

    await t.app.get(ClaimLoop).runOnce();
    const ready = await t.http.get('/health').expect(200);
    expect(Date.parse(ready.body.details.scheduler.lastTickAt)).toBeGreaterThan(Date.now() + 200_000);
  });
});
