/** Exit codes: 0 nothing failed, 1 a check failed, 2 bad usage or input, 3 probes could not run, 130/143 interrupted (SIGINT/SIGTERM). */
export const ExitCode = { Ok: 0, CheckFailed: 1, Usage: 2, CannotProbe: 3, Interrupted: 130, Terminated: 143 } as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
