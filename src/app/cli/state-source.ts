import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionStatus } from '../../domain/result.js';
import type { ExecutorService } from '../../domain/services/executor.service.js';

/** Tells the status line about an execution's state changes. */
export interface StateSource {
  /** Calls `listener` with the current state, then on each change of state; the returned function stops it. */
  watch(executionId: string, listener: (status: Pick<ExecutionStatus, 'state'>) => void): () => void;
}

/**
 * For an execution this process launched (run, schedule --wait): the service's 'started' and 'finished' events,
 * after one getStatus for the state it is in when the watch begins. No polling.
 */
export class EventStateSource implements StateSource {
  constructor(private readonly service: ExecutorService) {}

  watch(executionId: string, listener: (status: Pick<ExecutionStatus, 'state'>) => void): () => void {
    let last: string | undefined;
    const tell = (state: ExecutionStatus['state']) => {
      if (state === last) return;
      last = state;
      listener({ state });
    };
    const unsubscribe = [
      this.service.on('started', (event) => { if (event.executionId === executionId) tell(event.state); }),
      this.service.on('finished', (event) => { if (event.executionId === executionId) tell(event.state); }),
    ];
    // an event may have come before the watch: start from what the backend says now (unless an event beat it)
    void this.service.getStatus(executionId).then((status) => { if (last === undefined) tell(status.state); }, () => undefined);
    return () => unsubscribe.forEach((off) => off());
  }
}

/** For an execution launched elsewhere (attach): getStatus every `intervalMs`. */
export class PollingStateSource implements StateSource {
  constructor(
    private readonly getStatus: (executionId: string) => Promise<ExecutionStatus>,
    private readonly intervalMs: number,
  ) {}

  watch(executionId: string, listener: (status: Pick<ExecutionStatus, 'state'>) => void): () => void {
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
