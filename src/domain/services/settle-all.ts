/**
 * Waits for every promise, then rejects with the first failure (in the order given), if any. Unlike Promise.all,
 * nothing is still running once it rejects: a clean-up that follows cannot race a late write.
 */
export async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
