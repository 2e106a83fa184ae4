/**
 * How every step's output reads, whatever the probe: the exit codes of a step its bound
 * killed, and the last line of a tool's output worth quoting. Its own file so the facts,
 * network and go/git/fs parsers (parse-facts.ts, parse-network.ts, parse.ts) share one
 * reading without importing each other. Pure.
 */

/** Exit codes that mean the step was killed by its bound (timeout(1), SIGKILL, SIGTERM). */
export function killedByTimeout(rc: number | null): boolean {
  return rc === 124 || rc === 137 || rc === 143;
}

/** The last line worth quoting: curl -v's `*`, `<`, `>` and `{ }` lines skipped, cut at 300 characters. */
export function lastMeaningful(raw: string[]): string {
  const lines = raw.map((l) => l.trim()).filter((l) => l && !l.startsWith('*') && !/^[<>{}]/.test(l));
  return (lines.at(-1) ?? '').slice(0, 300);
}
