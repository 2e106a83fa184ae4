// uvu has no per-test timeout (lukeed/uvu#33): wrap each e2e body in one.

/** Resolve or reject like `p`, or reject with "<label> timed out after <ms> ms" if it takes longer. */
export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
