// The clock and timers of the host's services (the history's write batching, the document index's debounce, the
// status poller's backoff). VS Code gets the real ones; unit tests pass a manual clock and run timers by hand, so
// no test waits on wall-clock time.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};
