import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import type { PollingSettings } from './gcp-options.js';
import { outcomeOfPollError, type Awaited, type PollLocation, type PollOutcome } from './poll-location.js';

export interface PollerSettings extends PollingSettings {
  readonly logger: LoggerPort;
}

export interface PollerDeps {
  /** The backend's one poll of a location's awaited executions. */
  readonly pollLocation: PollLocation;
  /** Where an awaited execution lives (the location its name says, else the service's) and its name when known. */
  readonly whereIs: (executionId: string) => Awaited & { readonly location: string };
}

interface Waiter {
  resolve(status: ExecutionStatus): void;
  reject(error: unknown): void;
  /** Told once, on the first 'running' outcome. */
  onRunning: ((status: ExecutionStatus) => void) | undefined;
}

/**
 * The one poller behind every wait of a GCP adapter (Cloud Run, Batch, Vertex): each tick polls each location
 * that holds an awaited execution once, through the backend's `pollLocation` (one paged list call, not one
 * read per execution), tells the waits of those it sees running (`onRunning`, from the same answer) and
 * settles the waits of those that ended. No total budget: an execution may run for
 * hours or days. A transient error (429, 503, deadline) means "still running": the next tick comes later, the
 * interval doubling up to `maxPollBackoffMs`. It runs only while a wait is pending; no timer outlives the last one.
 */
export class ExecutionPoller {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticking = false;
  private interval: number;

  constructor(private readonly deps: PollerDeps, private readonly settings: PollerSettings) {
    this.interval = settings.pollIntervalMs;
  }

  /**
   * Settles once the execution is final. Aborting `signal` rejects this wait only, with `signal.reason`.
   * `onRunning` is called once, from the first tick whose poll answers 'running' (WaitOptions.onRunning).
   */
  wait(executionId: string, signal?: AbortSignal, onRunning?: (status: ExecutionStatus) => void): Promise<ExecutionStatus> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ExecutionStatus>((resolve, reject) => {
      const onAbort = () => {
        this.drop(executionId, waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        onRunning,
        resolve: (status) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(status);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiters = this.waiters.get(executionId) ?? new Set<Waiter>();
      this.waiters.set(executionId, waiters.add(waiter));
      // Idle: tick soon, not at once, so that the waits started together share that first tick.
      if (!this.ticking && !this.timer) this.schedule(0);
    });
  }

  private drop(executionId: string, waiter: Waiter): void {
    const waiters = this.waiters.get(executionId);
    waiters?.delete(waiter);
    if (waiters?.size === 0) this.waiters.delete(executionId);
    if (this.waiters.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, ms);
  }

  private async run(): Promise<void> {
    this.ticking = true;
    const transient = await this.tick().catch((error: unknown) => {
      // A bug, not an answer from Google: no wait may hang on it.
      for (const executionId of [...this.waiters.keys()]) this.settle(executionId, { kind: 'failed', error: error as Error });
      return new Map<number | undefined, string[]>();
    });
    this.ticking = false;
    if (this.waiters.size === 0) return;
    this.interval = transient.size > 0 ? Math.min(this.interval * 2, this.settings.maxPollBackoffMs) : this.settings.pollIntervalMs;
    for (const [code, ids] of transient) {
      this.settings.logger.debug(`transient error while polling ${describe(ids)} (code ${code}); next poll in ${this.interval} ms`);
    }
    this.schedule(this.interval);
  }

  /** One poll of every awaited execution, by location. Returns the ids that met a transient error, by code. */
  private async tick(): Promise<Map<number | undefined, string[]>> {
    const transient = new Map<number | undefined, string[]>();
    const stillAwaited = (executionId: string) => this.waiters.has(executionId);
    const locations = this.byLocation();
    this.settings.logger.debug(`polling ${describe([...this.waiters.keys()])} in ${locations.size} location(s)`);
    const polls = [...locations].map(async ([location, awaited]) => {
      for (const [executionId, outcome] of await this.deps.pollLocation(location, awaited, stillAwaited)) {
        if (outcome.kind === 'transient') pushTo(transient, outcome.code, executionId);
        else if (outcome.kind === 'running') this.tellRunning(executionId, outcome.status);
        else this.settle(executionId, outcome);
      }
    });
    await Promise.all(polls);
    return transient;
  }

  /** The awaited executions grouped by the location that holds (or, for an unknown name, should hold) them. */
  private byLocation(): Map<string, Awaited[]> {
    const groups = new Map<string, Awaited[]>();
    for (const executionId of [...this.waiters.keys()]) {
      try {
        const { location, name } = this.deps.whereIs(executionId);
        pushTo(groups, location, { executionId, name });
      } catch (error) {
        this.settle(executionId, outcomeOfPollError(error, executionId));
      }
    }
    return groups;
  }

  /** Each wait's `onRunning`, once; one that throws is logged, never fails the tick (it would fail every wait). */
  private tellRunning(executionId: string, status: ExecutionStatus): void {
    for (const waiter of this.waiters.get(executionId) ?? []) {
      const { onRunning } = waiter;
      if (!onRunning) continue;
      waiter.onRunning = undefined;
      try {
        onRunning(status);
      } catch (error) {
        this.settings.logger.warn(`the onRunning callback of a wait for ${executionId} threw: ${String(error)}`);
      }
    }
  }

  private settle(executionId: string, outcome: PollOutcome): void {
    if (outcome.kind !== 'final' && outcome.kind !== 'failed') return;
    const waiters = this.waiters.get(executionId);
    this.waiters.delete(executionId);
    for (const waiter of waiters ?? []) {
      if (outcome.kind === 'final') waiter.resolve(outcome.status);
      else waiter.reject(outcome.error);
    }
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

function describe(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}
