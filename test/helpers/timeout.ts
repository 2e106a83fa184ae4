// uvu has no per-test timeout (lukeed/uvu#33): wrap each e2e body in one.

/** Resolve or reject like `p`, or reject with "<label> timed out after <ms> ms" if it takes longer. */
export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * uvu drops an error thrown by a `before` hook, and by an `after.each` hook that runs after
 * a failed test (its runner returns from a `finally`): the suite shows (K / N), the failed
 * test's own error is lost, and the rest of the suite never runs. Wrap the hook to print the
 * error to stderr first.
 */
export function loud<C>(suiteName: string, hook: (ctx: C) => Promise<void>): (ctx: C) => Promise<void> {
  return async (ctx) => {
    try {
      await hook(ctx);
    } catch (err) {
      process.stderr.write(`${suiteName}: the hook failed: ${(err as Error).stack ?? String(err)}\n`);
      throw err;
    }
  };
}
