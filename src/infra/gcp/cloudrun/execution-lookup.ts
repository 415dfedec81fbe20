import { isFinal } from '../../../domain/execution.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import type { CloudRunApi, RunExecution } from './cloudrun-api.js';
import { recordOfExecution, stateOf, statusOf } from './cloudrun-mapper.js';
import { singleStatusOf } from './cloudrun-timeout.js';
import { arrayStatusOf, isArrayExecution } from './cloudrun-tasks.js';

const MAX_REMEMBERED = 10_000;

/**
 * Finds executions by smartjob execution id. Names this process launched are remembered; any other id is
 * searched in every job of the service's location (`jobs/-`), by the record on its task template.
 */
export class ExecutionLookup {
  private readonly names = new Map<string, string>();

  constructor(private readonly api: CloudRunApi) {}

  remember(executionId: string, executionName: string): void {
    this.names.delete(executionId);
    this.names.set(executionId, executionName);
    // A long-lived process launches without end: forget the oldest (they stay findable by search).
    if (this.names.size > MAX_REMEMBERED) this.names.delete(this.names.keys().next().value as string);
  }

  knownName(executionId: string): string | undefined {
    return this.names.get(executionId);
  }

  forget(executionId: string): void {
    this.names.delete(executionId);
  }

  /** The execution, or undefined when none carries that id (or it was deleted). */
  async find(executionId: string): Promise<RunExecution | undefined> {
    const known = this.names.get(executionId);
    if (known) {
      const execution = await this.api.getExecution(known);
      if (!execution) this.names.delete(executionId);
      return execution;
    }
    for await (const execution of this.api.listExecutions(`${this.api.location}/jobs/-`)) {
      if (recordOfExecution(execution)?.executionId === executionId) {
        this.remember(executionId, execution.name as string);
        return execution;
      }
    }
    return undefined;
  }

  /**
   * The status of an execution; for a failed one, the exit code of its task's last attempt. A native array's
   * final status carries its tasks, from one listing of them (ListTasks, paged).
   */
  async statusOf(execution: RunExecution): Promise<ExecutionStatus | undefined> {
    const state = stateOf(execution);
    if (isArrayExecution(execution)) {
      const status = statusOf(execution, undefined);
      return status && isFinal(state) ? arrayStatusOf(status, execution, await this.api.allTasks(execution.name as string)) : status;
    }
    // A failed one's task gives its exit code, and tells a timeout worded otherwise (singleStatusOf).
    return singleStatusOf(execution, state === 'FAILED' ? await this.api.firstTask(execution.name as string) : undefined);
  }
}
