import type { ExecutionStatus } from '../../../domain/result.js';
import { GrpcCode, hasGrpcCode, translateGaxError } from '../gax-errors.js';
import type { CloudRunClients, RunExecution } from './cloudrun-clients.js';
import { readRecord } from './execution-record.js';
import { stateOf, statusOf } from './execution-status.js';

const NO_AUTO_PAGINATION = { autoPaginate: false } as const;
const MAX_REMEMBERED = 10_000;

/**
 * Finds executions by smartjob execution id. Names this process launched are remembered; any other id is
 * searched in every job of the location (`jobs/-`), by the SMARTJOB_EXECUTION_ID of its task template.
 */
export class ExecutionLookup {
  private readonly names = new Map<string, string>();

  constructor(private readonly clients: () => Promise<CloudRunClients>, private readonly locationParent: () => string) {}

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
      let execution: RunExecution | undefined;
      try {
        execution = await this.get(known);
      } catch (error) {
        throw translateGaxError(error, `reading execution ${known}`);
      }
      if (!execution) this.names.delete(executionId);
      return execution;
    }
    const parent = `${this.locationParent()}/jobs/-`; // settings first: a ConfigurationError needs no client
    const { executions } = await this.clients();
    try {
      for await (const execution of executions.listExecutionsAsync({ parent }, NO_AUTO_PAGINATION)) {
        if (readRecord(execution)?.executionId === executionId) {
          this.remember(executionId, execution.name as string);
          return execution;
        }
      }
    } catch (error) {
      throw translateGaxError(error, `searching the Cloud Run executions of ${parent} for ${executionId}`);
    }
    return undefined;
  }

  /** GetExecution; undefined on NOT_FOUND, raw gax errors otherwise (the caller decides what is transient). */
  async get(executionName: string): Promise<RunExecution | undefined> {
    const { executions } = await this.clients();
    try {
      const [execution] = await executions.getExecution({ name: executionName });
      return execution;
    } catch (error) {
      if (hasGrpcCode(error, GrpcCode.NOT_FOUND)) return undefined;
      throw error;
    }
  }

  /** The status of an execution; for a failed one, the exit code of its task's last attempt. */
  async statusOf(execution: RunExecution): Promise<ExecutionStatus | undefined> {
    const exitCode = stateOf(execution) === 'FAILED' ? await this.exitCodeOf(execution.name as string) : undefined;
    return statusOf(execution, exitCode);
  }

  private async exitCodeOf(executionName: string): Promise<number | undefined> {
    const { tasks } = await this.clients();
    const [list] = await tasks.listTasks({ parent: executionName }, NO_AUTO_PAGINATION);
    const result = list[0]?.lastAttemptResult;
    // 0 on a failed task means no exit code was recorded (e.g. the container never started).
    return result && result.exitCode ? Number(result.exitCode) : undefined;
  }
}
