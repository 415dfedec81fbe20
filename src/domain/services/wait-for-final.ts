import type { ExecutorPort, WaitOptions } from '../ports/executor.port.js';
import type { ExecutionStatus } from '../result.js';

/** Waits for the end; when `signal` aborts, cancels the execution and waits for it to settle as CANCELLED. */
export async function waitForFinal(
  executor: ExecutorPort,
  executionId: string,
  signal: AbortSignal | undefined,
  onRunning?: WaitOptions['onRunning'],
): Promise<ExecutionStatus> {
  try {
    return await executor.wait(executionId, { signal, onRunning });
  } catch (error) {
    if (!signal?.aborted) throw error;
    await executor.cancel(executionId);
    return executor.wait(executionId);
  }
}
