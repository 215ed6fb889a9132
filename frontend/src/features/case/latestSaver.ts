/** LatestSaver saves the latest of a stream of changes: see latestSaver. */
export interface LatestSaver<T> {
  /** change records a change; it is saved delayMs after the last change unless flushed sooner. */
  change(value: T): void;
  /** flush saves a waiting change at once (the user leaves the page); nothing when none waits. */
  flush(): void;
}

/**
 * latestSaver debounces saves (#18): a burst of changes (the clicks of one visit to the column settings) is one save,
 * so one audit row, delayMs after the last change; flush sends a waiting change at once. Saves run one at a time and
 * the latest change is saved last: requests racing each other could land an older change last. onError is told when
 * a save fails (later changes are still saved).
 */
export function latestSaver<T>(save: (value: T) => Promise<unknown>, delayMs: number, onError: () => void): LatestSaver<T> {
  let next: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving = false;
  const send = () => {
    if (saving || !next) return;
    const { value } = next;
    next = null;
    saving = true;
    save(value)
      .catch(onError)
      .finally(() => {
        saving = false;
        // A change made while saving waits for its own delay, unless it was flushed meanwhile.
        if (timer === undefined) send();
      });
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    send();
  };
  return {
    change(value) {
      next = { value };
      clearTimeout(timer);
      timer = setTimeout(flush, delayMs);
    },
    flush,
  };
}
