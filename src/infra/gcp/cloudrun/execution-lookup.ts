import { isFinal } from '../../../domain/execution.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import type { CloudRunApi, RunExecution } from './cloudrun-api.js';
import { exitCodeOf, recordOfExecution, stateOf, statusOf } from './cloudrun-mapper.js';
import { arrayStatusOf, isArrayExecution } from './cloudrun-tasks.js';

const MAX_REMEMBERED = 10_000;

/**
 * Finds executions by smartjob execution id. Names this process launched are remembered; any other id is
 * searched in every job (`jobs/-`) of the location it is expected in, else of the service's location, by the
 * record on its task template.
 */
export class ExecutionLookup {
  private readonly names = new Map<string, string>();
  /** Locations RunJob was asked to start an execution in, until its name is known. */
  private readonly expected = new Map<string, string>();

  constructor(private readonly api: CloudRunApi) {}

  remember(executionId: string, executionName: string): void {
    this.names.delete(executionId);
    this.names.set(executionId, executionName);
    // A long-lived process launches without end: forget the oldest (they stay findable by search).
    if (this.names.size > MAX_REMEMBERED) this.names.delete(this.names.keys().next().value as string);
    this.expected.delete(executionId);
  }

  /**
   * Where a launch is about to start the execution (`projects/P/locations/R`), before it asks: when the answer is
   * lost, the retry's lookup searches that location (an execution with its own region or project), not the service's.
   */
  expect(executionId: string, location: string): void {
    this.expected.set(executionId, location);
    if (this.expected.size > MAX_REMEMBERED) this.expected.delete(this.expected.keys().next().value as string);
  }

  knownName(executionId: string): string | undefined {
    return this.names.get(executionId);
  }

  forget(executionId: string): void {
    this.names.delete(executionId);
    this.expected.delete(executionId);
  }

  /** The execution, or undefined when none carries that id (or it was deleted). */
  async find(executionId: string): Promise<RunExecution | undefined> {
    const known = this.names.get(executionId);
    if (known) {
      const execution = await this.api.getExecution(known);
      if (!execution) this.names.delete(executionId);
      return execution;
    }
    const location = this.expected.get(executionId) ?? this.api.location;
    for await (const execution of this.api.listExecutions(`${location}/jobs/-`)) {
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
    const exitCode = state === 'FAILED' ? exitCodeOf(await this.api.firstTask(execution.name as string)) : undefined;
    return statusOf(execution, exitCode);
  }
}
