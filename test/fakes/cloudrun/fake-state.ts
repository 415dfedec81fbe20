import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { OperationStore } from '../shared/operations.js';
import { locationOf } from '../shared/resources.js';
import { packAny, timestamp, type ICondition, type IExecution, type IJob, type IOperation, type ITask } from './protos.js';

export { locationOf, page } from '../shared/resources.js';

/** What Cloud Run says when a task hits its timeout. */
export const TIMEOUT_MESSAGE = 'The configured timeout was reached.';

/** How a task ended. */
export type Ending =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly exitCode: number | undefined; readonly message: string }
  | { readonly kind: 'timedOut'; readonly message: string }
  | { readonly kind: 'cancelled' };

/** One task of an execution: its Task message and the container its attempt runs now. */
export interface TaskRecord {
  /** Mutated in place as the task progresses. */
  readonly task: ITask;
  /** The execution's list: every container of every task, in creation order. */
  readonly containers: Docker.Container[];
  current?: Docker.Container;
  /** The execution's stop request (the shared runner reads it per task). */
  readonly stopRequested: 'cancelled' | 'deleted' | undefined;
  /** Set once the task has ended. */
  ending?: Ending;
}

/** One execution and what the fake needs to run, stop and report it. */
export interface ExecutionRecord {
  readonly name: string;
  readonly jobName: string;
  /** Mutated in place as the execution progresses: every read sees the latest state. */
  readonly execution: IExecution;
  /** One per index, 0 … taskCount-1. */
  readonly tasks: readonly TaskRecord[];
  readonly operationName: string;
  /** The RunJob operation's error once it ended without success. */
  failure?: { readonly code: grpc.status; readonly message: string };
  /** Every container of every task (one per attempt). */
  readonly containers: Docker.Container[];
  stopRequested?: 'cancelled' | 'deleted';
  finished?: Promise<void>;
  /** The most tasks that ran at once (a test checks the parallelism with it). */
  peakRunning: number;
}

/** Everything the fake server knows: jobs, executions and operations, by resource name. */
export class FakeState {
  readonly jobs = new Map<string, IJob>();
  readonly executions = new Map<string, ExecutionRecord>();
  /** Executions a `jobs/-` listing leaves out, as a listing that lags behind a just-created execution does. */
  readonly unlisted = new Set<string>();
  /**
   * The `Completed` message of a timed-out task and execution. A test rewords it to check that a timeout is told
   * by what Cloud Run structures, not by its English text.
   */
  timeoutMessage = TIMEOUT_MESSAGE;
  /** Largest page ListExecutions answers, whatever page_size asks (Cloud Run caps pages too). */
  maxPageSize: number | undefined;
  /** The page token of every `jobs/-` ListExecutions call, in order ('' for a first page): what a poll read. */
  readonly locationListingTokens: string[] = [];
  readonly operations = new OperationStore();

  requireJob(name: string): IJob {
    checkName(name, JOB_NAME);
    const job = this.jobs.get(name);
    if (!job) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${name}' was not found`);
    return job;
  }

  requireExecution(name: string): ExecutionRecord {
    checkName(name, EXECUTION_NAME);
    const record = this.executions.get(name);
    if (!record) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${name}' was not found`);
    return record;
  }

  /** A finished operation about a job (CreateJob, DeleteJob): metadata and response are the job. */
  jobOperation(parent: string, job: IJob): IOperation {
    const name = `${parent}/operations/${randomUUID()}`;
    const packed = packAny('google.cloud.run.v2.Job', job);
    return this.operations.add(name, () => ({ name, metadata: packed, done: true, response: packed }));
  }

  /** DeleteExecution's operation: done, its response the execution as it was when deleted. */
  deletedExecutionOperation(record: ExecutionRecord): IOperation {
    const name = `${locationOf(record.name)}/operations/${randomUUID()}`;
    const packed = packAny('google.cloud.run.v2.Execution', { ...record.execution, deleteTime: timestamp(new Date()) });
    return this.operations.add(name, () => ({ name, metadata: packed, done: true, response: packed }));
  }

  /** The operation of an execution (RunJob, CancelExecution, DeleteExecution): done when the execution ends. */
  executionOperation(record: ExecutionRecord, name = `${locationOf(record.name)}/operations/${randomUUID()}`): IOperation {
    const snapshot = (): IOperation => {
      const metadata = packAny('google.cloud.run.v2.Execution', record.execution);
      if (!record.execution.completionTime) return { name, metadata, done: false };
      if (record.failure) return { name, metadata, done: true, error: { code: record.failure.code, message: record.failure.message } };
      return { name, metadata, done: true, response: metadata };
    };
    return this.operations.add(name, snapshot);
  }
}

const JOB_NAME = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+$/;
const EXECUTION_NAME = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+\/executions\/[^/]+$/;

/** Cloud Run refuses a malformed resource name (a short id where a full name is due) before looking it up. */
function checkName(name: string, pattern: RegExp): void {
  if (!pattern.test(name)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid resource name '${name}'`);
}

export function condition(type: string, state: string, extra: Partial<ICondition> = {}): ICondition {
  return { type, state: state as ICondition['state'], lastTransitionTime: timestamp(new Date()), ...extra };
}

/** Replaces the condition of the same type, keeping the order stable. */
export function setCondition(conditions: ICondition[], next: ICondition): void {
  const index = conditions.findIndex((c) => c.type === next.type);
  if (index === -1) conditions.push(next);
  else conditions[index] = next;
}
