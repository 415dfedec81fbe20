/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as the signal aborts: for client calls that
 * take no signal (a small request left running in the background is harmless). The abandoned promise's own
 * rejection is caught, so it is never reported as unhandled.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // abandoned: its outcome no longer matters, only the abort does
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason); // the handlers below keep the abandoned promise handled
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
