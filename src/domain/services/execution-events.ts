import type { BackendType } from '../backend-type.js';
import { ValidationError } from '../errors.js';
import type { Execution, FinalState } from '../execution.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { ExecutionResult, ExecutionStatus, SchedulingDetails } from '../result.js';

/** What every event says about its execution. */
interface ExecutionEventBase {
  readonly backend: BackendType;
  readonly executionId: string;
  readonly jobName: string;
  readonly jobNamespace: string;
  /** Scheduling attempt this event belongs to: 1 for the first try, 0 when none was made (cancelled before). */
  readonly attempt: number;
  readonly created: Date;
  /** When the service observed the event. */
  readonly at: Date;
}

/** The backend accepted the execution (`schedule` resolves right after). */
export interface ScheduledEvent extends ExecutionEventBase {
  readonly type: 'scheduled';
  readonly state: 'PENDING';
  readonly details: SchedulingDetails;
}

/** The execution is RUNNING. `started` is the backend's start time when it knows it. */
export interface StartedEvent extends ExecutionEventBase {
  readonly type: 'started';
  readonly state: 'RUNNING';
  readonly started: Date;
}

/**
 * The execution reached its final state, with its result. Only for executions the service follows: a forgotten
 * one (`schedule` with `forget`) gets `scheduled` and nothing after it (`attach` tells its end).
 */
export interface FinishedEvent extends ExecutionEventBase {
  readonly type: 'finished';
  readonly state: FinalState;
  readonly started: Date | undefined;
  readonly stopped: Date;
  readonly exitCode: number | undefined;
  readonly result: ExecutionResult;
}

/** A scheduling attempt failed with a transient error; attempt `attempt + 1` follows. */
export interface RetryingEvent extends ExecutionEventBase {
  readonly type: 'retrying';
  readonly state: 'PENDING';
  readonly error: Error;
  readonly retriesLeft: number;
}

export interface ExecutionEventMap {
  scheduled: ScheduledEvent;
  started: StartedEvent;
  finished: FinishedEvent;
  retrying: RetryingEvent;
}
export type ExecutionEventType = keyof ExecutionEventMap;
export type ExecutionEvent = ExecutionEventMap[ExecutionEventType];
export type ExecutionEventListener<K extends ExecutionEventType> = (event: ExecutionEventMap[K]) => void;

const EVENT_TYPES: readonly ExecutionEventType[] = ['scheduled', 'started', 'finished', 'retrying'];
type AnyListener = (event: ExecutionEvent) => unknown;

/** The service's listeners. A listener that throws (or rejects) is logged as a warning; the run goes on. */
export class ExecutionEvents {
  private readonly listeners = new Map<ExecutionEventType, Set<AnyListener>>();

  constructor(private readonly logger: LoggerPort, private readonly now: () => Date) {}

  on<K extends ExecutionEventType>(type: K, listener: ExecutionEventListener<K>): () => void {
    if (!EVENT_TYPES.includes(type)) throw new ValidationError('type', `must be one of ${EVENT_TYPES.map((t) => `'${t}'`).join(', ')}`, type);
    if (typeof listener !== 'function') throw new ValidationError('listener', 'must be a function', listener);
    // A wrapper per subscription: the same function subscribed twice is called twice and unsubscribed once.
    const entry: AnyListener = (event) => (listener as AnyListener)(event);
    const set = this.listeners.get(type) ?? new Set<AnyListener>();
    this.listeners.set(type, set.add(entry));
    return () => void set.delete(entry);
  }

  /** Follows one execution: emits its events in order and at most once each. */
  track(backend: BackendType, execution: Execution): ExecutionTracker {
    return new ExecutionTracker(this, {
      backend, executionId: execution.id, jobName: execution.job.name, jobNamespace: execution.job.namespace, created: execution.created,
    });
  }

  /** `build` runs only when someone listens: 10,000 executions without listeners build no event. */
  emit<K extends ExecutionEventType>(type: K, build: (at: Date) => ExecutionEventMap[K]): void {
    const set = this.listeners.get(type);
    if (!set || set.size === 0) return;
    const event = build(this.now());
    for (const listener of [...set]) {
      try {
        const returned = listener(event);
        if (returned instanceof Promise) returned.catch((error: unknown) => this.warn(event, error));
      } catch (error) {
        this.warn(event, error);
      }
    }
  }

  private warn(event: ExecutionEvent, error: unknown): void {
    this.logger.warn(`a '${event.type}' listener of execution ${event.executionId} threw (ignored): ${String(error)}`);
  }
}

type Identity = Pick<ExecutionEventBase, 'backend' | 'executionId' | 'jobName' | 'jobNamespace' | 'created'>;

/**
 * One execution's events: scheduled → started → finished, plus retrying before scheduled. `started` is
 * emitted when the adapter reports RUNNING, else just before `finished` from the final status's start time;
 * it is skipped only for an execution that never ran (cancelled, or timed out while pending).
 */
export class ExecutionTracker {
  private attempt = 0;
  private startedEmitted = false;

  constructor(private readonly events: ExecutionEvents, private readonly identity: Identity) {}

  launching(): void {
    this.attempt = Math.max(this.attempt, 1);
  }

  retrying(error: Error, attempt: number, retriesLeft: number): void {
    this.events.emit('retrying', (at) => ({ ...this.base(at), attempt, type: 'retrying', state: 'PENDING', error, retriesLeft }));
    this.attempt = attempt + 1;
  }

  scheduled(details: SchedulingDetails): void {
    this.events.emit('scheduled', (at) => ({ ...this.base(at), type: 'scheduled', state: 'PENDING', details }));
  }

  running(started: Date | undefined): void {
    if (this.startedEmitted) return;
    this.startedEmitted = true;
    this.events.emit('started', (at) => ({ ...this.base(at), type: 'started', state: 'RUNNING', started: started ?? at }));
  }

  finished(status: ExecutionStatus & { readonly state: FinalState }, result: ExecutionResult): void {
    if (status.started) this.running(status.started);
    this.events.emit('finished', (at) => ({
      ...this.base(at), type: 'finished', state: status.state, started: status.started,
      stopped: result.stopped, exitCode: status.exitCode, result,
    }));
  }

  private base(at: Date): ExecutionEventBase {
    return { ...this.identity, attempt: this.attempt, at };
  }
}
