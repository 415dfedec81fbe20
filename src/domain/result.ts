import type { ExecutionState, FinalState } from './execution.js';
import type { BackendType } from './backend-type.js';

/** What `schedule` returns as soon as the backend has accepted the execution. */
export interface SchedulingDetails {
  readonly backend: BackendType;
  readonly executionId: string;
  readonly jobName: string;
  readonly jobNamespace: string;
  readonly created: Date;
  /** Where to read the logs: a console URL, or for Docker a command to paste. */
  readonly logUrl: string;
  /** Where the inputs and outputs are, as the caller can reach them (a `file://` or `gs://` URI). */
  readonly inputPath: string;
  readonly outputPath: string;
}

/** The final outcome of an execution. A failed job is a result with `success: false`, not an error. */
export interface ExecutionResult {
  readonly success: boolean;
  readonly state: FinalState;
  /** The job's exit code, where the backend knows it. */
  readonly exitCode: number | undefined;
  /** Why it did not succeed, in words (e.g. out of memory, timeout reached). */
  readonly message: string | undefined;
  readonly executionId: string;
  readonly jobName: string;
  readonly jobNamespace: string;
  readonly created: Date;
  readonly started: Date | undefined;
  readonly stopped: Date;
  /** From start (or creation when it never started) to stop. */
  readonly durationSeconds: number;
  readonly logUrl: string;
  readonly outputPath: string;
  /** The parsed `smartjob.json` the job wrote in OUTPUT_PATH, or undefined when it wrote none. */
  readonly jsonOutput: unknown;
  /** Set when `smartjob.json` exists but could not be parsed. */
  readonly jsonOutputError: string | undefined;
  /** A native array execution's tasks, by index; absent for a single execution. */
  readonly tasks?: readonly TaskResult[];
}

/** One task of an array (`runArray`). */
export interface TaskResult {
  readonly index: number;
  readonly success: boolean;
  readonly state: FinalState;
  readonly exitCode: number | undefined;
  readonly message: string | undefined;
  /** The array's execution on a native backend, the task's own otherwise; undefined when it never started. */
  readonly executionId: string | undefined;
  readonly started: Date | undefined;
  readonly stopped: Date | undefined;
  /** The task's own output directory; undefined when it never started. */
  readonly outputPath: string | undefined;
  /** The task's parsed `smartjob.json`. */
  readonly jsonOutput: unknown;
  readonly jsonOutputError: string | undefined;
}

/** A snapshot of an execution as the backend knows it. */
export interface ExecutionStatus {
  readonly executionId: string;
  readonly jobName: string;
  readonly jobNamespace: string;
  readonly state: ExecutionState;
  readonly created: Date;
  readonly started: Date | undefined;
  readonly stopped: Date | undefined;
  readonly exitCode: number | undefined;
  readonly message: string | undefined;
  readonly logUrl: string;
  /** Staging directory of the execution, relative to the staging root. */
  readonly baseDir: string;
  readonly timeoutSeconds: number;
  /** A native array execution's tasks, by index (see `ExecutorPort.nativeArrays`); absent otherwise. */
  readonly tasks?: readonly TaskStatus[];
}

/** One task of a native array execution. */
export interface TaskStatus {
  readonly index: number;
  readonly state: ExecutionState;
  readonly started: Date | undefined;
  readonly stopped: Date | undefined;
  readonly exitCode: number | undefined;
  readonly message: string | undefined;
}
