import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionStatus } from '../../domain/result.js';

/**
 * Tells the status line about an execution's state changes. Polling today; the service's typed events
 * ('scheduled', 'started', 'finished') can drive it instead, behind this same interface.
 */
export interface StateSource {
  /** Calls `listener` with the current status, then on each change of state; the returned function stops it. */
  watch(executionId: string, listener: (status: ExecutionStatus) => void): () => void;
}

export class PollingStateSource implements StateSource {
  constructor(
    private readonly getStatus: (executionId: string) => Promise<ExecutionStatus>,
    private readonly intervalMs: number,
  ) {}

  watch(executionId: string, listener: (status: ExecutionStatus) => void): () => void {
    const stop = new AbortController();
    void (async () => {
      let last: string | undefined;
      while (!stop.signal.aborted) {
        // a failed poll only delays the line: the command's own wait reports what really went wrong
        const status = await this.getStatus(executionId).catch(() => undefined);
        if (status && status.state !== last && !stop.signal.aborted) {
          last = status.state;
          listener(status);
        }
        await sleep(this.intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    })();
    return () => stop.abort();
  }
}
