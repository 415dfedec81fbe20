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
}
