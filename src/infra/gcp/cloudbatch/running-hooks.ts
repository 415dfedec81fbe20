import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';

type OnRunning = (status: ExecutionStatus) => void;

/**
 * The `onRunning` callbacks of pending waits, by execution id: each is called once, the first time a poll sees
 * its execution RUNNING (from the listing the poll makes anyway), and dropped when its wait settles.
 */
export class RunningHooks {
  private readonly hooks = new Map<string, Set<OnRunning>>();

  constructor(private readonly logger: LoggerPort) {}

  async around<T>(executionId: string, onRunning: OnRunning | undefined, wait: () => Promise<T>): Promise<T> {
    if (!onRunning) return wait();
    const hooks = this.hooks.get(executionId) ?? new Set<OnRunning>();
    this.hooks.set(executionId, hooks.add(onRunning));
    try {
      return await wait();
    } finally {
      hooks.delete(onRunning);
      if (hooks.size === 0 && this.hooks.get(executionId) === hooks) this.hooks.delete(executionId);
    }
  }

  /** Calls (once) the hooks of an execution seen running; `status` is built only when a hook waits for it. */
  running(executionId: string, status: () => ExecutionStatus | undefined): void {
    const hooks = this.hooks.get(executionId);
    if (!hooks || hooks.size === 0) return;
    const seen = status();
    if (!seen) return;
    this.hooks.delete(executionId);
    for (const hook of hooks) {
      try {
        hook(seen);
      } catch (error) {
        // The caller's callback, not the poll: it must not fail the wait.
        this.logger.warn(`the onRunning callback of ${executionId} threw: ${String(error)}`);
      }
    }
  }
}
