import { Logger } from '@nestjs/common';
import type { Clock } from '../clock/clock';
import { describe } from '../observability/describe-error';
import { nextOccurrence } from '../schedules/cron-schedule';

/** When anything next falls due (null: nothing is scheduled), with the database clock it was read by. */
export interface NextDue {
  at: Date | null;
  dbNow: Date;
}

/** setTimeout's longest delay; a later instant is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WakeUpHandlers {
  /** Claim what is due now; calls `arm` with what it learnt is due next. Never rejects. */
  claim(): Promise<void>;
  /** The safety tick: rescue and claim whatever a lost notice or a stopped timer left behind. Never rejects. */
  safetyTick(): Promise<void>;
}

/** Where notices come from: a listening connection, or nothing (tests, API-only instances). */
export interface NoticeSource {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * When this instance claims: one timer for the earliest instant it could next claim something, moved
 * earlier by notices, and the safety tick (SCHEDULER_TICK) beside it. The timer is measured against
 * the database clock (the claim judges "due" by it), through the offset seen at the last read.
 */
export class WakeUp {
  private readonly logger = new Logger('WakeUp');
  private handlers: WakeUpHandlers | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The instant the timer fires at, by the database clock. */
  private timerAt: number | undefined;
  /** The earliest notice since the last `arm`: it may be newer than what that arm had read. */
  private noticedAt: number | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  /** Database clock minus this instance's clock, as last measured. */
  private offsetMs = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly safetyTickExpression: string,
    private readonly clock: Clock,
    private readonly notices?: NoticeSource,
  ) {}

  async start(handlers: WakeUpHandlers): Promise<void> {
    this.handlers = handlers;
    this.scheduleSafetyTick();
    await this.notices?.start();
  }

  /** Stops the timers and the listener, and waits for the claims and ticks they started. */
  async stop(): Promise<void> {
    const handlers = this.handlers;
    this.handlers = undefined;
    clearTimeout(this.timer);
    clearTimeout(this.safetyTimer);
    this.timer = this.timerAt = undefined;
    await this.notices?.stop();
    if (handlers) await Promise.all(this.running);
  }

  /** The instant the timer is set for (database clock), if any; for tests and logs. */
  get nextWakeAt(): Date | undefined {
    return this.timerAt === undefined ? undefined : new Date(this.timerAt);
  }

  /** After a claim: sleep until the earliest due instant, or a notice of an earlier one. */
  arm(earliest: NextDue): void {
    this.offsetMs = earliest.dbNow.getTime() - this.clock.now().getTime();
    const candidates = [earliest.at?.getTime(), this.noticedAt].filter((at): at is number => at !== undefined);
    this.noticedAt = undefined;
    clearTimeout(this.timer);
    this.timer = this.timerAt = undefined;
    if (candidates.length > 0) this.setTimer(Math.min(...candidates));
  }

  /** Something falls due at `at`: wake then, if that is before the timer. */
  notice(at: Date): void {
    const instant = at.getTime();
    this.noticedAt = Math.min(instant, this.noticedAt ?? instant);
    if (this.timerAt === undefined || instant < this.timerAt) this.setTimer(instant);
  }

  /** Claims now, as the timer does when it fires. */
  runOnce(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = this.timerAt = undefined;
    return this.track((handlers) => handlers.claim());
  }

  /** The safety tick's work, now. */
  runSafetyTick(): Promise<void> {
    return this.track((handlers) => handlers.safetyTick());
  }

  private setTimer(at: number): void {
    if (!this.handlers) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    // One millisecond late rather than early: a claim a moment before the instant finds nothing.
    const delay = Math.max(0, at - (this.clock.now().getTime() + this.offsetMs) + 1);
    this.timer = setTimeout(() => (delay > MAX_TIMER_MS ? this.setTimer(at) : void this.runOnce()), Math.min(delay, MAX_TIMER_MS));
  }

  private scheduleSafetyTick(): void {
    if (!this.handlers) return;
    const now = this.clock.now();
    const next = nextOccurrence(this.safetyTickExpression, 'UTC', now) as Date;
    const delay = next.getTime() - now.getTime();
    this.safetyTimer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) return this.scheduleSafetyTick();
        void this.runSafetyTick().finally(() => this.scheduleSafetyTick());
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  }

  private track(work: (handlers: WakeUpHandlers) => Promise<void>): Promise<void> {
    const handlers = this.handlers;
    if (!handlers) return Promise.resolve();
    const done = work(handlers).catch((error: unknown) => this.logger.error(`a wake-up failed: ${describe(error)}`));
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    return done;
  }
}
