/**
 * Errors that carry their exit code. The CLI's one mapper prints `message` as a
 * single line; the stack only under --debug.
 */
import { ExitCode } from './model.js';

export class DoctorError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A line telling the user what to do, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, bad config, bad input files: exit 2. */
export class UsageError extends DoctorError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
  }
}

/** No engine answered, or it failed mid-run: exit 3. */
export class EngineUnavailable extends DoctorError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.CannotProbe, hint);
  }
}

/** The image is not local and cannot be pulled: exit 3. */
export class ImageMissing extends DoctorError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.CannotProbe, hint);
  }
}

/** The container could not run the agent at all (no shell, exited early): exit 3. */
export class ProbeFailed extends DoctorError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.CannotProbe, hint);
  }
}

/** Run `work` under a deadline; on expiry reject with `onTimeout()` and abort `controller`. */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(onTimeout());
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
