import type { BackendType } from '../backend-type.js';
import type { ExecutionState } from '../execution.js';
import type { BackendSetting, ResolvedExecutionConfig } from '../execution-config.js';
import type { ExecutionStatus } from '../result.js';

/** Everything a backend needs to start one execution, and to describe it again later from its id alone. */
export interface LaunchSpec {
  readonly executionId: string;
  readonly jobName: string;
  readonly jobNamespace: string;
  readonly created: Date;
  /** Relative to the staging root; recorded on the backend object so a new process can find the outputs. */
  readonly baseDir: string;
  readonly image: string;
  /** Replaces the image's command; empty keeps the image's own. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Passed to the container like `env`, never recorded anywhere (see ExecutorPort.supportsSecretEnvs). */
  readonly secretEnvs: Readonly<Record<string, string>>;
  /** Env variables the platform reads from Secret Manager, by version name (see ExecutorPort.supportsSecretRefs). */
  readonly secretRefs: Readonly<Record<string, string>>;
  /** The execution's settings; its timeout is `config.timeout.timeoutSeconds`. */
  readonly config: ResolvedExecutionConfig;
  /** Set only on a port with `nativeArrays`: run `count` tasks as this one execution (see ExecutorPort). */
  readonly array?: ArrayLaunch;
}

/** A native array: `count` tasks (index 0 … count-1), at most `parallelism` running at once. */
export interface ArrayLaunch {
  readonly count: number;
  readonly parallelism: number;
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface ListFilter {
  readonly namespace?: string;
  readonly name?: string;
  readonly states?: readonly ExecutionState[];
}

export interface WaitOptions {
  /** Aborting stops waiting (it does not cancel the execution): the wait rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /**
   * Called once when the adapter sees the execution RUNNING, from what it already polls or inspects (no
   * extra API call). Optional for adapters: without it the service reports the start from the final status.
   */
  readonly onRunning?: (status: ExecutionStatus) => void;
}

export interface LogOptions {
  /** Keep streaming until the execution ends. @default false */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Runs executions on one backend. Written in the domain's words: adapters translate SDK errors into
 * domain errors (transient ones carry `retryable: true`).
 */
export interface ExecutorPort {
  readonly backend: BackendType;
  /**
   * Optional capability: the platform runs N tasks as one execution (Cloud Run task count, Batch task
   * count: one API object, one poll entry for N tasks). When true, `launch` honours `spec.array`:
   * - every task sees `spec.env` (it holds SMARTJOB_TASK_COUNT) plus SMARTJOB_TASK_INDEX = its index and
   *   OUTPUT_PATH = `<spec.env.OUTPUT_PATH>/tasks/<index>` (the service creates those directories);
   * - the timeout and `retry.maxAttemptsExecute` apply per task;
   * - a final status (from `wait`, `getStatus`, `list`) carries `tasks`, one final TaskStatus per index
   *   (a task that never ran is CANCELLED); the execution is SUCCEEDED only when every task is.
   * Without it, `runArray` runs N executions through the service. @default false
   */
  readonly nativeArrays?: boolean;
  /**
   * True when `release` deletes the backend's only record of the execution and its logs (Docker removes the
   * container): the service first keeps both in the execution's staging directory. @default false
   */
  readonly releaseDeletesRecord?: boolean;
  /** True when the backend passes `LaunchSpec.secretEnvs` to the job without recording them; else they are refused. @default false */
  readonly supportsSecretEnvs?: boolean;
  /** True when the platform resolves `LaunchSpec.secretRefs` (Secret Manager) when the job starts; else they are refused. @default false */
  readonly supportsSecretRefs?: boolean;
  /** Where the staging root is visible inside the job's container. */
  containerStagingRoot(config: ResolvedExecutionConfig): string;
  /** The optional settings this backend honours; the service warns about any other one a call sets. */
  readonly supportedSettings: readonly BackendSetting[];
  /** Checks what must be true before anything is staged (image present or pullable, settings present). */
  preflight(image: string, config: ResolvedExecutionConfig, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: refuses, with a ValidationError naming the field, a launch this backend cannot run (e.g. a Cloud
   * Run array without args to wrap). Called once the spec is built, before anything is staged.
   */
  checkLaunch?(spec: LaunchSpec): void;
  /** Starts the execution, once. One attempt: the service retries, after checking `getStatus`. Returns the log URL. */
  launch(spec: LaunchSpec, signal?: AbortSignal): Promise<{ readonly logUrl: string }>;
  /** undefined when the backend knows no execution with that id. */
  getStatus(executionId: string): Promise<ExecutionStatus | undefined>;
  /** Resolves with a final status. Enforces the timeout where the platform does not. */
  wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus>;
  /** Idempotent; the final state becomes CANCELLED unless it had already ended. */
  cancel(executionId: string): Promise<void>;
  /** Live output; a backend without it leaves it out and the service answers NotSupportedError with the log URL. */
  logs?(executionId: string, options?: LogOptions): AsyncIterable<LogLine>;
  list(filter: ListFilter): Promise<readonly ExecutionStatus[]>;
  /** The caller of `run` has its result: free what exists only to report it (Docker: the container). Optional. */
  release?(executionId: string): Promise<void>;
  /** Deletes the backend object of a finished execution (cleanup). */
  remove(executionId: string): Promise<void>;
  /** Releases what the adapter holds (client channels); executions go on. Optional. */
  close?(): Promise<void>;
}
