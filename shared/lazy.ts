/**
 * A value made on first use and kept for the life of the process (the Lambda container): one Transatel
 * token, one keep-alive pool, one SDK client per service; a zod schema that only some calls read (the answer
 * of one Transatel operation among several, an error answer), since building schemas is most of what importing
 * the Transatel modules costs. A make that throws is not kept: the next call makes again.
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * A value loaded at most once per `ttlMs` (read when needed, so it may come from configuration); callers
 * arriving during a load share it. A rejected load is not kept: the next call loads again. `now` is the
 * caller's clock (tests pass their own) and stamps the loaded value.
 */
export function cachedFor<T>(
  ttlMs: () => number,
  load: (now: number) => Promise<T>,
): { get(now?: number): Promise<T>; reset(): void } {
  let cached: { value: T; loadedAt: number } | undefined;
  let inflight: Promise<T> | undefined;
  return {
    get(now = Date.now()) {
      if (cached && now - cached.loadedAt < ttlMs()) return Promise.resolve(cached.value);
      inflight ??= load(now)
        .then((value) => {
          cached = { value, loadedAt: now };
          return value;
        })
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
    reset() {
      cached = undefined;
    },
  };
}
