import { ValidationError } from '../errors.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { ExecutionResult } from '../result.js';
import { fanOut, validateFanOut, type FanOutcome, type ItemSource } from './fan-out.js';
import type { RunOptions } from './plan.js';
import { optionalObject } from '../validation.js';

/** One item of `map`: the run options of one execution (the map's signal replaces any of its own). */
export type MapItem = Omit<RunOptions, 'signal'>;

export interface MapOptions {
  /** Executions in flight at once (the service's `maxWorkers` still caps the whole service). @default the service's maxWorkers */
  readonly concurrency?: number;
  /**
   * Aborting cancels every execution still running (their outcomes come back CANCELLED), launches no
   * further item, and then the iteration throws `signal.reason`.
   */
  readonly signal?: AbortSignal;
  /** After the first failure (an error, or a result that is not a success) cancel the rest and launch no more; the iteration then ends. @default false */
  readonly failFast?: boolean;
}

/** `{ index, item, result }`, or `{ index, item, error }` when the item could not run (bad input, scheduling failure). */
export type MapOutcome<T extends MapItem = MapItem> = FanOutcome<T, ExecutionResult>;

export interface MapDeps {
  readonly run: (options: RunOptions) => Promise<ExecutionResult>;
  readonly defaultConcurrency: number;
  readonly logger: LoggerPort;
}

/** Validates the source and the options at once (bad input throws here), then maps lazily. */
export function mapRuns<T extends MapItem>(items: ItemSource<T>, options: MapOptions | undefined, deps: MapDeps): AsyncGenerator<MapOutcome<T>, void, undefined> {
  optionalObject('options', options);
  validateFanOut(items, options ?? {});
  const run = (item: T, signal: AbortSignal) => {
    if (typeof item !== 'object' || item === null) throw new ValidationError('item', 'must be an object of run options', item);
    return deps.run({ ...item, signal });
  };
  return fanOut(items, run, {
    concurrency: options?.concurrency ?? deps.defaultConcurrency,
    signal: options?.signal,
    failFast: options?.failFast,
    isFailure: (result) => !result.success,
    warn: (message) => deps.logger.warn(message),
  });
}
