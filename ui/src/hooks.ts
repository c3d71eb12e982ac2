import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** When the data was last fetched successfully. */
  updatedAt: number | undefined;
  reload: () => void;
}

/**
 * Loads `fetcher` now and again every `intervalMs` while the tab is visible, keeping the last data on
 * screen during refreshes and after a failed one, so an automatic refresh never moves the viewer. A
 * change of `key` (say, the page or a filter) loads at once; answers to older requests are dropped.
 */
export function usePolling<T>(fetcher: () => Promise<T>, key: string, intervalMs: number): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({ data: undefined, error: undefined, updatedAt: undefined });
  const sequence = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const loadRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = () => {
      clearTimeout(timer);
      const mine = ++sequence.current;
      fetcherRef.current().then(
        (data) => mine === sequence.current && setState({ data, error: undefined, updatedAt: Date.now() }),
        (error: unknown) =>
          mine === sequence.current &&
          setState((previous) => ({ ...previous, error: error instanceof ApiError ? error : new ApiError(0, String(error)) })),
      ).finally(() => {
        if (!stopped && mine === sequence.current) timer = setTimeout(tick, intervalMs);
      });
    };
    const tick = () => {
      if (document.visibilityState === 'visible') load();
      else timer = setTimeout(tick, intervalMs);
    };
    const onVisible = () => document.visibilityState === 'visible' && load();
    loadRef.current = load;
    load();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, intervalMs]);

  return { ...state, reload: () => loadRef.current() };
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The current time, refreshed every `ms`, for relative times ("in 3 min") that stay true. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The service's answer to GET /schedules/preview for one expression and zone: its next occurrences, or why there are none. */
export type SchedulePreviewAnswer = { schedule: string; timezone: string } & ({ occurrences: string[] } | { error: ApiError });

/**
 * The next five occurrences of `schedule` in `timezone`, as the service computes them (the scheduler's
 * own reading); undefined until the first answer, and the previous answer until the next one comes.
 */
export function useSchedulePreview(schedule: string, timezone: string): SchedulePreviewAnswer | undefined {
  const [answer, setAnswer] = useState<SchedulePreviewAnswer | undefined>();
  useEffect(() => {
    if (!schedule) return setAnswer(undefined);
    let current = true;
    api.previewSchedule(schedule, timezone).then(
      (occurrences) => current && setAnswer({ schedule, timezone, occurrences }),
      (error: unknown) => current && setAnswer({ schedule, timezone, error: error instanceof ApiError ? error : new ApiError(0, String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [schedule, timezone]);
  return answer;
}
