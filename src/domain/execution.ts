import type { ResolvedJob } from './job.js';
import type { ResolvedExecutionConfig } from './execution-config.js';

export type FinalState = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';
export type ExecutionState = 'PENDING' | 'RUNNING' | FinalState;
export const FINAL_STATES: readonly FinalState[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];
export const EXECUTION_STATES: readonly ExecutionState[] = ['PENDING', 'RUNNING', ...FINAL_STATES];

export function isFinal(state: ExecutionState): state is FinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}

/** One run of a job: its id, when it was created and where its files live in the staging area. */
export interface Execution {
  readonly id: string;
  readonly job: ResolvedJob;
  readonly config: ResolvedExecutionConfig;
  readonly created: Date;
  /** Relative to the staging root: `<namespace>-<name>/<YYYY-MM-DD>/<HHMM>/<id>`. */
  readonly baseDir: string;
  readonly inputDir: string;
  readonly outputDir: string;
}

export const OUTPUT_JSON_FILENAME = 'smartjob.json';

/** 16 hex characters: unique enough for names and short enough for every backend's limits. */
export function newExecutionId(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16);
}

export function createExecution(job: ResolvedJob, config: ResolvedExecutionConfig, id: string, created: Date): Execution {
  const baseDir = baseDirOf({ namespace: job.namespace, name: job.name, id, created });
  return { id, job, config, created, baseDir, inputDir: `${baseDir}/input`, outputDir: `${baseDir}/output` };
}

/**
 * `<namespace>-<name>/<YYYY-MM-DD>/<HHMM>/<id>`, relative to the staging root: derived from what every backend
 * records, so it needs no record of its own. UTC, so every host lays out the same tree.
 */
export function baseDirOf(execution: { readonly namespace: string; readonly name: string; readonly id: string; readonly created: Date }): string {
  const iso = execution.created.toISOString();
  return `${execution.namespace}-${execution.name}/${iso.slice(0, 10)}/${iso.slice(11, 13)}${iso.slice(14, 16)}/${execution.id}`;
}
