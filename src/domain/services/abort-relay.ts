/**
 * One 'abort' listener per signal, however many queued executions wait on it: a caller that schedules hundreds
 * of executions with one signal gets no MaxListenersExceededWarning (a false "possible memory leak"), and what
 * stops waiting in the queue removes its callback, not a listener.
 */
export class AbortRelay {
  private readonly waiting = new WeakMap<AbortSignal, Set<() => void>>();

  /** Calls `onAbort` once when `signal` aborts; the returned function stops that. */
  on(signal: AbortSignal, onAbort: () => void): () => void {
    let callbacks = this.waiting.get(signal);
    if (!callbacks) {
      const created = new Set<() => void>();
      callbacks = created;
      this.waiting.set(signal, created);
      const relay = () => {
        this.waiting.delete(signal);
        for (const callback of created) callback();
      };
      signal.addEventListener('abort', relay, { once: true });
    }
    callbacks.add(onAbort);
    const added = callbacks;
    return () => { added.delete(onAbort); };
  }
}
