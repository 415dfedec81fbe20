import { ValidationError } from '../errors.js';
import { optionalPositiveInteger, optionalSignal } from '../validation.js';

/** One item's outcome: its result, or the error that kept it from one (bad input, scheduling failure). */
export type FanOutcome<T, R> =
  | { readonly index: number; readonly item: T; readonly result: R; readonly error?: undefined }
  | { readonly index: number; readonly item: T; readonly error: unknown; readonly result?: undefined };

export interface FanOutOptions<R> {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly failFast?: boolean;
  /** Which results count as failures for `failFast` (errors always do). */
  readonly isFailure: (result: R) => boolean;
  /** Where an error of the item source's `return()` goes: after an abort nobody is left to throw it to. */
  readonly warn: (message: string) => void;
}

export type ItemSource<T> = Iterable<T> | AsyncIterable<T>;

/** Checks what `map` can check before its first item: the source and the options. */
export function validateFanOut(items: unknown, options: { concurrency?: unknown; failFast?: unknown; signal?: unknown }): void {
  const iterable = typeof items === 'object' && items !== null && (Symbol.asyncIterator in items || Symbol.iterator in items);
  if (!iterable) throw new ValidationError('items', 'must be an iterable or async iterable of run options', items);
  optionalPositiveInteger('concurrency', options.concurrency);
  if (options.failFast !== undefined && typeof options.failFast !== 'boolean') throw new ValidationError('failFast', 'must be a boolean', options.failFast);
  optionalSignal('signal', options.signal);
}

/**
 * Runs `run` over the items, yielding outcomes in completion order. Pulls items lazily: at most
 * `concurrency` in flight and at most `2 × concurrency` items held (running or waiting to be consumed),
 * so a source of any length runs in bounded memory. Leaving the loop early cancels what still runs.
 */
export async function* fanOut<T, R>(
  items: ItemSource<T>,
  run: (item: T, signal: AbortSignal) => Promise<R>,
  options: FanOutOptions<R>,
): AsyncGenerator<FanOutcome<T, R>, void, undefined> {
  options.signal?.throwIfAborted();
  const state = new FanOut(items, run, options);
  try {
    yield* state.outcomes();
  } finally {
    await state.close();
  }
}

class FanOut<T, R> {
  private readonly iterator: Iterator<T> | AsyncIterator<T>;
  /** One controller per run in flight (a shared signal would collect a listener per run). */
  private readonly inFlight = new Map<Promise<void>, AbortController>();
  /** Set by the caller's signal, by failFast, or when the consumer leaves: every run is cancelled. */
  private stopped = false;
  private readonly ready: FanOutcome<T, R>[] = [];
  private nextIndex = 0;
  private pulling = false;
  private exhausted = false;
  private closed = false;
  private sourceError: { readonly error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private readonly onAbort = () => this.stop(this.options.signal?.reason);

  constructor(items: ItemSource<T>, private readonly run: (item: T, signal: AbortSignal) => Promise<R>, private readonly options: FanOutOptions<R>) {
    this.iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async *outcomes(): AsyncGenerator<FanOutcome<T, R>, void, undefined> {
    void this.pull();
    for (;;) {
      const outcome = this.ready.shift();
      if (outcome) {
        yield outcome;
        void this.pull();
        continue;
      }
      // A source stuck in next() does not hold up an abort: the item it may still give is never launched.
      if (this.inFlight.size === 0 && (this.exhausted || this.stopped)) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.sourceError) throw this.sourceError.error;
    this.options.signal?.throwIfAborted();
  }

  /** Cancels what still runs (the consumer left early), waits for it to settle, and closes the source. */
  async close(): Promise<void> {
    this.closed = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.stop(new Error('the map was left before its end'));
    await Promise.all(this.inFlight.keys());
    if (!this.pulling) await this.closeSource();
  }

  private hasRoom(): boolean {
    const { concurrency } = this.options;
    return !this.exhausted && !this.stopped && this.inFlight.size < concurrency && this.inFlight.size + this.ready.length < 2 * concurrency;
  }

  /** One puller at a time: an async iterator is asked for its next item only after the previous one came. */
  private async pull(): Promise<void> {
    if (this.pulling) return;
    this.pulling = true;
    try {
      while (this.hasRoom()) {
        const next = await this.iterator.next();
        if (next.done) this.exhausted = true;
        else if (!this.stopped) this.launch(this.nextIndex++, next.value);
      }
    } catch (error) {
      this.sourceError = { error };
      this.exhausted = true;
    } finally {
      this.pulling = false;
      this.notify();
      if (this.closed) void this.closeSource();
    }
  }

  private launch(index: number, item: T): void {
    const controller = new AbortController();
    const task: Promise<void> = (async () => this.run(item, controller.signal))().then(
      (result) => this.settle(task, { index, item, result }, this.options.isFailure(result)),
      (error: unknown) => this.settle(task, { index, item, error }, true),
    );
    this.inFlight.set(task, controller);
  }

  private stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const controller of this.inFlight.values()) controller.abort(reason);
    this.notify(); // with nothing in flight (a source stuck in next()), the loop must still wake up and end
  }

  private settle(task: Promise<void>, outcome: FanOutcome<T, R>, failed: boolean): void {
    this.inFlight.delete(task);
    this.ready.push(outcome);
    if (failed && this.options.failFast) this.stop(new Error(`item ${outcome.index} failed (failFast)`));
    this.notify();
    void this.pull();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async closeSource(): Promise<void> {
    if (this.exhausted) return;
    this.exhausted = true;
    try {
      await this.iterator.return?.();
    } catch (error) {
      this.options.warn(`closing the map's item source failed: ${String(error)}`);
    }
  }
}
