import { isFinal } from '../../domain/execution.js';
import type { LoggerPort } from '../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../domain/result.js';

/** After the deadline: the container has had time to be stopped and reported by the check. */
const MARGIN_MS = 100;
const MAX_WATCHED = 10_000;
/** setTimeout fires at once past this (about 24.8 days): a later deadline is looked at again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Stops an execution nobody waits on (a forgotten one) at its deadline, while this process lives. The timers are
 * unref'd: they never keep the process alive. After the process ends, or past MAX_WATCHED executions, the next
 * getStatus, list or attach of any process enforces the deadline instead.
 */
export class DeadlineWatch {
  private readonly timers = new Map<string, { readonly timer: ReturnType<typeof setTimeout>; readonly deadline: number }>();

  /** `check` enforces the deadline (stops the execution if it is past) and returns the status it then has. */
  constructor(
    private readonly check: (executionId: string) => Promise<ExecutionStatus | undefined>,
    private readonly deadlineOf: (status: ExecutionStatus) => number,
    private readonly logger: LoggerPort | undefined,
  ) {}

  arm(executionId: string, deadline: number): void {
    this.disarm(executionId);
    if (this.timers.size >= MAX_WATCHED) this.disarm(this.timers.keys().next().value!);
    const timer = setTimeout(() => {
      this.timers.delete(executionId);
      this.check(executionId).then(
        // not past yet when it started later than launched: look again at its own deadline
        (status) => { if (status && !isFinal(status.state)) this.arm(executionId, this.deadlineOf(status)); },
        (error: unknown) => this.logger?.warn(`could not stop execution ${executionId} at its deadline (the next getStatus, list or attach will): ${String(error)}`),
      );
    }, Math.min(MAX_DELAY_MS, Math.max(0, deadline - Date.now()) + MARGIN_MS));
    timer.unref();
    this.timers.set(executionId, { timer, deadline });
  }

  /** Stops watching; returns the deadline it was watched for (undefined when it was not), to arm it again later. */
  disarm(executionId: string): number | undefined {
    const watched = this.timers.get(executionId);
    clearTimeout(watched?.timer);
    this.timers.delete(executionId);
    return watched?.deadline;
  }
}
