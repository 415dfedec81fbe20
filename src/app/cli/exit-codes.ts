import { BackendUnavailableError, ConfigurationError, ValidationError } from '../../domain/errors.js';
import type { FinalState } from '../../domain/execution.js';
import { UsageError } from './usage-error.js';

/** Exit codes that tell outcomes apart (64, 69 and 70 are sysexits' EX_USAGE, EX_UNAVAILABLE, EX_SOFTWARE). */
export const EXIT = {
  succeeded: 0,
  failed: 1,
  timedOut: 2,
  cancelled: 3,
  usage: 64,
  unavailable: 69,
  software: 70,
} as const;

export const EXIT_CODES_HELP =
  'Exit codes: 0 succeeded, 1 the job failed, 2 timed out, 3 cancelled, 64 usage error, 69 backend unavailable, 70 other error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).';

export function exitCodeOfState(state: FinalState): number {
  switch (state) {
    case 'SUCCEEDED': return EXIT.succeeded;
    case 'FAILED': return EXIT.failed;
    case 'TIMED_OUT': return EXIT.timedOut;
    case 'CANCELLED': return EXIT.cancelled;
  }
}

/** Bad input or a missing setting is the caller's to fix (64); an unreachable daemon or API is 69; the rest 70. */
export function exitCodeOfError(error: unknown): number {
  if (error instanceof UsageError || error instanceof ValidationError || error instanceof ConfigurationError) return EXIT.usage;
  if (error instanceof BackendUnavailableError) return EXIT.unavailable;
  return EXIT.software;
}
