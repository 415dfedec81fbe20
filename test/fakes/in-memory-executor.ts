import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../../src/domain/errors.js';
import { isFinal, type ExecutionState } from '../../src/domain/execution.js';
import { OPTIONAL_SETTINGS, type BackendSetting } from '../../src/domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, LogLine, WaitOptions } from '../../src/domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../src/domain/result.js';

interface FakeTask {
  state: ExecutionState;
  exitCode?: number;
  stopped?: Date;
}

interface FakeExecution {
  spec: LaunchSpec;
  state: ExecutionState;
  exitCode?: number;
  stopped?: Date;
  released: boolean;
  /** A native array's tasks (with `nativeArrays`). */
  tasks?: FakeTask[];
}

/** What a launch attempt does: start normally, or throw before/after starting the execution. */
export type LaunchOutcome = 'ok' | { throwBefore: Error } | { throwAfter: Error };

/** ExecutorPort in memory: executions stay RUNNING until `finish` is called (or `autoFinish` decides). */
export class InMemoryExecutor implements ExecutorPort {
  readonly backend = 'docker' as const;
  readonly executions = new Map<string, FakeExecution>();
  readonly launchOutcomes: LaunchOutcome[] = [];
  launchCalls = 0;
  maxRunning = 0;
  preflightError: Error | undefined;
  /** Plays a port that refuses some launch specs (ExecutorPort.checkLaunch). */
  checkLaunch: ((spec: LaunchSpec) => void) | undefined;
  /** Calls `onRunning` while waiting, as the Docker adapter does; false plays an adapter that does not. */
  reportsRunning = true;
  /** Plays a backend with native arrays (Cloud Run, Batch): one execution runs `spec.array.count` tasks. */
  nativeArrays = false;
  /** Drops an execution once released, so a long benchmark measures the service, not this fake. */
  forgetReleased = false;
  /** Called at launch (per task for a native array, with that task's env); an exit code finishes it after `delayMs`. */
  autoFinish: ((spec: LaunchSpec) => { exitCode: number; delayMs?: number } | undefined) | undefined;

  containerStagingRoot(): string {
    return '/staging';
  }
  supportedSettings: readonly BackendSetting[] = [...OPTIONAL_SETTINGS, 'retry.maxAttemptsExecute'];
  async preflight(): Promise<void> {
    if (this.preflightError) throw this.preflightError;
  }
  async launch(spec: LaunchSpec): Promise<{ logUrl: string }> {
    this.launchCalls += 1;
    const outcome = this.launchOutcomes.shift() ?? 'ok';
    if (outcome !== 'ok' && 'throwBefore' in outcome) throw outcome.throwBefore;
    const execution: FakeExecution = { spec, state: 'RUNNING', released: false };
    this.executions.set(spec.executionId, execution);
    this.maxRunning = Math.max(this.maxRunning, this.running());
    if (this.nativeArrays && spec.array) this.startTasks(execution, spec.array.count);
    else {
      const auto = this.autoFinish?.(spec);
      if (auto) void sleep(auto.delayMs ?? 0).then(() => this.finish(spec.executionId, auto.exitCode));
    }
    if (outcome !== 'ok' && 'throwAfter' in outcome) throw outcome.throwAfter;
    return { logUrl: `log://${spec.executionId}` };
  }
  finish(executionId: string, exitCode: number, state: ExecutionState = exitCode === 0 ? 'SUCCEEDED' : 'FAILED'): void {
    const execution = this.require(executionId);
    if (isFinal(execution.state)) return;
    for (const task of execution.tasks ?? []) if (!isFinal(task.state)) Object.assign(task, { state, stopped: new Date() });
    Object.assign(execution, { state, exitCode, stopped: new Date() });
  }
  /** Ends one task of a native array; the array ends with its last task, SUCCEEDED only if every task did. */
  finishTask(executionId: string, index: number, exitCode: number): void {
    const execution = this.require(executionId);
    const task = execution.tasks![index]!;
    if (isFinal(task.state)) return;
    Object.assign(task, { state: exitCode === 0 ? 'SUCCEEDED' : 'FAILED', exitCode, stopped: new Date() });
    if (execution.tasks!.every((t) => isFinal(t.state))) {
      const failed = execution.tasks!.some((t) => t.state !== 'SUCCEEDED');
      this.finish(executionId, failed ? 1 : 0);
    }
  }
  private startTasks(execution: FakeExecution, count: number): void {
    const { spec } = execution;
    execution.tasks = Array.from({ length: count }, () => ({ state: 'RUNNING' }));
    for (let index = 0; index < count; index++) {
      const env = { ...spec.env, SMARTJOB_TASK_INDEX: String(index), OUTPUT_PATH: `${spec.env.OUTPUT_PATH}/tasks/${index}` };
      const auto = this.autoFinish?.({ ...spec, env });
      if (auto) void sleep(auto.delayMs ?? 0).then(() => this.finishTask(spec.executionId, index, auto.exitCode));
    }
  }
  running(): number {
    return [...this.executions.values()].filter((e) => e.state === 'RUNNING').length;
  }
  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const execution = this.executions.get(executionId);
    return execution && this.statusOf(execution);
  }
  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    let reportedRunning = !this.reportsRunning;
    for (;;) {
      options?.signal?.throwIfAborted();
      const execution = this.require(executionId);
      if (isFinal(execution.state)) return this.statusOf(execution);
      if (!reportedRunning) {
        reportedRunning = true;
        options?.onRunning?.(this.statusOf(execution));
      }
      await sleep(5, undefined, { signal: options?.signal }).catch((error: unknown) => {
        throw options?.signal?.aborted ? options.signal.reason : error;
      });
    }
  }
  async cancel(executionId: string): Promise<void> {
    this.finish(executionId, 137, 'CANCELLED');
  }
  async *logs(executionId: string): AsyncIterable<LogLine> {
    yield { stream: 'stdout', line: `log of ${executionId}` };
  }
  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    return [...this.executions.values()]
      .map((e) => this.statusOf(e))
      .filter((s) => (!filter.namespace || s.jobNamespace === filter.namespace) && (!filter.states || filter.states.includes(s.state)));
  }
  async release(executionId: string): Promise<void> {
    this.require(executionId).released = true;
    if (this.forgetReleased) this.executions.delete(executionId);
  }
  async remove(executionId: string): Promise<void> {
    this.executions.delete(executionId);
  }
  private require(executionId: string): FakeExecution {
    const execution = this.executions.get(executionId);
    if (!execution) throw new NotFoundError(executionId);
    return execution;
  }
  private statusOf(e: FakeExecution): ExecutionStatus {
    const final = isFinal(e.state);
    return {
      executionId: e.spec.executionId, jobName: e.spec.jobName, jobNamespace: e.spec.jobNamespace, state: e.state,
      created: e.spec.created, started: e.spec.created, stopped: final ? e.stopped : undefined, exitCode: e.exitCode,
      message: undefined, logUrl: `log://${e.spec.executionId}`, baseDir: e.spec.baseDir, timeoutSeconds: e.spec.config.timeout.timeoutSeconds,
      ...(e.tasks && {
        tasks: e.tasks.map((t, index) => ({ index, state: t.state, started: e.spec.created, stopped: t.stopped, exitCode: t.exitCode, message: undefined })),
      }),
    };
  }
}
