import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../../src/domain/errors.js';
import { isFinal, type ExecutionState } from '../../src/domain/execution.js';
import type { ExecutorPort, LaunchSpec, ListFilter, LogLine, WaitOptions } from '../../src/domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../src/domain/result.js';

interface FakeExecution {
  spec: LaunchSpec;
  state: ExecutionState;
  exitCode?: number;
  stopped?: Date;
  released: boolean;
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
  /** Calls `onRunning` while waiting, as the Docker adapter does; false plays an adapter that does not. */
  reportsRunning = true;
  /** Called at launch; returning an exit code finishes the execution after `delayMs`. */
  autoFinish: ((spec: LaunchSpec) => { exitCode: number; delayMs?: number } | undefined) | undefined;

  containerStagingRoot(): string {
    return '/staging';
  }
  unsupportedSettings(): readonly string[] {
    return [];
  }
  async preflight(): Promise<void> {
    if (this.preflightError) throw this.preflightError;
  }
  async launch(spec: LaunchSpec): Promise<{ logUrl: string }> {
    this.launchCalls += 1;
    const outcome = this.launchOutcomes.shift() ?? 'ok';
    if (outcome !== 'ok' && 'throwBefore' in outcome) throw outcome.throwBefore;
    this.executions.set(spec.executionId, { spec, state: 'RUNNING', released: false });
    this.maxRunning = Math.max(this.maxRunning, this.running());
    const auto = this.autoFinish?.(spec);
    if (auto) void sleep(auto.delayMs ?? 0).then(() => this.finish(spec.executionId, auto.exitCode));
    if (outcome !== 'ok' && 'throwAfter' in outcome) throw outcome.throwAfter;
    return { logUrl: `log://${spec.executionId}` };
  }
  finish(executionId: string, exitCode: number, state: ExecutionState = exitCode === 0 ? 'SUCCEEDED' : 'FAILED'): void {
    const execution = this.require(executionId);
    if (isFinal(execution.state)) return;
    Object.assign(execution, { state, exitCode, stopped: new Date() });
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
      message: undefined, logUrl: `log://${e.spec.executionId}`, baseDir: e.spec.baseDir, timeoutSeconds: e.spec.timeoutSeconds,
    };
  }
}
