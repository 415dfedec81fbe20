import type { Output } from './output.js';

/** Exit codes of a process ended by a signal, as shells report them (128 + signal number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

export interface InterruptHandlers {
  /** First Ctrl-C or SIGTERM: the command aborts `signal` and winds down (e.g. cancels the execution). */
  readonly onFirst?: (signal: StopSignal) => void;
  /** Second one: the command gives up waiting; the process exits with SIGNAL_EXIT of the first signal. */
  readonly onSecond: (first: StopSignal) => void | Promise<void>;
}

/**
 * Ctrl-C and SIGTERM while a command waits: the first aborts `signal` (the command decides what that means),
 * the second calls `onSecond`, after which the caller exits. `received` tells which signal came first.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private first: StopSignal | undefined;
  private readonly listeners = new Map<StopSignal, () => void>();

  constructor(private readonly handlers: InterruptHandlers) {
    for (const name of Object.keys(SIGNAL_EXIT) as StopSignal[]) {
      const listener = () => this.receive(name);
      this.listeners.set(name, listener);
      process.on(name, listener);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first signal received, if any. */
  get received(): StopSignal | undefined {
    return this.first;
  }

  /** Back to the default handling (the process dies on the signal). */
  dispose(): void {
    for (const [name, listener] of this.listeners) process.off(name, listener);
  }

  private receive(name: StopSignal): void {
    if (this.first === undefined) {
      this.first = name;
      this.handlers.onFirst?.(name);
      this.controller.abort(new Error(`interrupted by ${name}`));
      return;
    }
    void this.handlers.onSecond(this.first);
  }
}

/** With --json, an interrupted command still leaves one document on stdout (unless it has begun its own). */
export function reportInterrupted(output: Output, signal: StopSignal, message: string): void {
  if (output.json && !output.hasDocument) output.document({ error: { code: 'INTERRUPTED', message, exitCode: SIGNAL_EXIT[signal] } });
}
