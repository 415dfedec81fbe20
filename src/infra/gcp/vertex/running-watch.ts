import type { WaitOptions } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';

type OnRunning = NonNullable<WaitOptions['onRunning']>;

/**
 * The `onRunning` callbacks of the waits in progress, called once each, the first time a poll sees their
 * execution RUNNING: from the listing the poller makes anyway, never from an extra call.
 */
export class RunningWatch {
  private readonly callbacks = new Map<string, Set<OnRunning>>();

  constructor(private readonly logger: LoggerPort) {}

  /** Registers a wait's callback; returns what unregisters it (when the wait settles). */
  watch(executionId: string, onRunning: OnRunning | undefined): () => void {
    if (!onRunning) return () => undefined;
    const callbacks = this.callbacks.get(executionId) ?? new Set<OnRunning>();
    this.callbacks.set(executionId, callbacks.add(onRunning));
    return () => {
      callbacks.delete(onRunning);
      if (callbacks.size === 0 && this.callbacks.get(executionId) === callbacks) this.callbacks.delete(executionId);
    };
  }

  /** A poll saw the execution RUNNING. */
  seen(executionId: string, status: ExecutionStatus): void {
    const callbacks = this.callbacks.get(executionId);
    if (!callbacks) return;
    this.callbacks.delete(executionId);
    for (const onRunning of callbacks) {
      try {
        onRunning(status);
      } catch (error) {
        this.logger.warn(`an onRunning callback of ${executionId} threw: ${String(error)}`); // the poll goes on
      }
    }
  }
}
