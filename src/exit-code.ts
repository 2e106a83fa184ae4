/**
 * Every exit code the doctor can end with, decided here and nowhere else: a report's
 * rows, an error (each error class carries its code, src/errors.ts), a signal. Pure.
 */
import { DoctorError } from './errors.js';
import { ExitCode, type Report } from './model.js';

/** 1 when a row fails, or warns under --fail-on warn; else 0. */
export function exitCodeForReport(report: Pick<Report, 'summary'>, failOn: 'fail' | 'warn'): ExitCode {
  const s = report.summary;
  return s.fail > 0 || (failOn === 'warn' && s.warn > 0) ? ExitCode.CheckFailed : ExitCode.Ok;
}

/** A DoctorError's own code (2 usage, 3 cannot probe); anything else is a bug, and the probes did not run: 3. */
export function exitCodeForError(err: unknown): ExitCode {
  return err instanceof DoctorError ? err.exitCode : ExitCode.CannotProbe;
}

/** The shell's convention, 128 + the signal's number. */
export function exitCodeForSignal(signal: 'SIGINT' | 'SIGTERM'): ExitCode {
  return signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
}

/** For --help. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 nothing failed, 1 a check failed (or warned, with --fail-on warn), 2 bad usage or config, 3 the probes could not run, 130 interrupted (143 terminated).';
