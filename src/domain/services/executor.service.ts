import pLimit, { type LimitFunction } from 'p-limit';
import { NotFoundError, NotSupportedError, ValidationError } from '../errors.js';
import { isFinal } from '../execution.js';
import { resolveExecutionConfig } from '../execution-config.js';
import { validateJob, type SmartJob } from '../job.js';
import type { ExecutorPort, ListFilter, LogLine, LogOptions } from '../ports/executor.port.js';
import type { LocalFilesPort } from '../ports/local-files.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { StoragePort } from '../ports/storage.port.js';
import type { ExecutionResult, ExecutionStatus, SchedulingDetails } from '../result.js';
import { optionalObject, optionalPositiveInteger } from '../validation.js';
import { readTaskResults } from './array-tasks.js';
import { AbortRelay } from './abort-relay.js';
import { archiveExecution, findArchivedDirectory, readArchivedLogs, readArchivedStatus } from './archive.js';
import { cleanupExecutions, type CleanupOptions } from './cleanup.js';
import { buildResult, readJsonOutput } from './collect-result.js';
import { ExecutionEvents, type ExecutionEventListener, type ExecutionEventType, type ExecutionTracker } from './execution-events.js';
import type { ItemSource } from './fan-out.js';
import { launchWithRetry } from './launch.js';
import { listExecutions } from './list-executions.js';
import { mapRuns, type MapItem, type MapOptions, type MapOutcome } from './map-runs.js';
import { planExecution, type ExecutionPlan, type RunOptions, type ScheduleOptions } from './plan.js';
import { runArray, type ArrayOptions, type ArrayResult } from './run-array.js';
import { stageExecution } from './stage.js';
import { waitForFinal } from './wait-for-final.js';

export type { CleanupOptions } from './cleanup.js';

export interface ExecutorServiceDeps {
  readonly executor: ExecutorPort;
  readonly storage: StoragePort;
  readonly localFiles: LocalFilesPort;
  readonly logger: LoggerPort;
  /**
   * How many executions this service may have in hand at once: those being staged and launched, and those it
   * follows to their end (`run`, `schedule` without `forget`, `map`, `runArray`); the rest wait in a queue.
   * A forgotten execution holds a slot only until the backend accepted it. @default 4
   */
  readonly maxWorkers?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export interface Scheduled<R> {
  readonly details: SchedulingDetails;
  readonly result: R;
}

export interface AttachOptions {
  /** Aborting stops waiting; the execution itself goes on. */
  readonly signal?: AbortSignal;
}

const EXECUTION_ID_RULE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Runs jobs on one backend: validate, stage, launch (with retries), wait, collect the result. */
export class ExecutorService {
  private readonly limit: LimitFunction;
  /** One listener per caller signal for the executions queued on it. */
  private readonly queuedAborts = new AbortRelay();
  private readonly maxWorkers: number;
  private readonly now: () => Date;
  private readonly events: ExecutionEvents;

  constructor(private readonly deps: ExecutorServiceDeps) {
    this.maxWorkers = optionalPositiveInteger('maxWorkers', deps.maxWorkers) ?? 4;
    this.limit = pLimit(this.maxWorkers);
    this.now = deps.now ?? (() => new Date());
    this.events = new ExecutionEvents(deps.logger, this.now);
  }

  /**
   * Listens to the executions this service schedules (run, schedule, map, runArray): per execution
   * `retrying`* → `scheduled` → `started` → `finished`. Returns the function that unsubscribes.
   */
  on<K extends ExecutionEventType>(type: K, listener: ExecutionEventListener<K>): () => void {
    return this.events.on(type, listener);
  }

  get backend() {
    return this.deps.executor.backend;
  }

  /** Runs the job and resolves with its final result (a failed job is a result, not an error). */
  async run(job: SmartJob, options?: RunOptions): Promise<ExecutionResult> {
    const { result } = await this.schedule(job, { ...optionalObject('options', options), forget: false });
    return result;
  }

  /**
   * Runs the job once per item (each item: inputs, addEnvs, args, executionConfig) and yields
   * `{ index, item, result }` or `{ index, item, error }` in completion order. Items are pulled lazily
   * (an async iterable of any length runs in bounded memory); leaving the loop early cancels what runs.
   */
  map<T extends MapItem>(job: SmartJob, items: ItemSource<T>, options?: MapOptions): AsyncGenerator<MapOutcome<T>, void, undefined> {
    validateJob(job);
    return mapRuns(items, options, { run: (o) => this.run(job, o), defaultConcurrency: this.maxWorkers, logger: this.deps.logger });
  }

  /**
   * Resolves once the backend accepted the execution; `result` settles when it ends. With `forget` there is no
   * `result` and the service does not follow the execution: no `started`/`finished` event, no slot held.
   */
  schedule(job: SmartJob, options: ScheduleOptions & { readonly forget: true }): Promise<Scheduled<undefined>>;
  schedule(job: SmartJob, options?: ScheduleOptions): Promise<Scheduled<Promise<ExecutionResult>>>;
  async schedule(job: SmartJob, options?: ScheduleOptions): Promise<Scheduled<Promise<ExecutionResult> | undefined>> {
    return this.schedulePlan(await planExecution(job, options, { ...this.deps, now: this.now }));
  }

  /**
   * Runs `count` tasks of the job and returns one entry per task (state, exit code, jsonOutput). Each task
   * sees SMARTJOB_TASK_INDEX and SMARTJOB_TASK_COUNT and has its own output directory. One execution on a
   * backend with native arrays (the port's `nativeArrays`), else `count` executions, `parallelism` at once.
   */
  runArray(job: SmartJob, options: ArrayOptions): Promise<ArrayResult> {
    return runArray(job, options, {
      nativeArrays: this.deps.executor.nativeArrays === true,
      defaultParallelism: this.maxWorkers,
      map: (items, o) => this.map(job, items, o),
      runNative: async (o, array) => {
        const { result } = await this.schedulePlan(await planExecution(job, o, { ...this.deps, now: this.now }, array));
        return result!;
      },
    });
  }

  private schedulePlan(plan: ExecutionPlan): Promise<Scheduled<Promise<ExecutionResult> | undefined>> {
    return new Promise((resolve, reject) => {
      const onScheduled = (details: SchedulingDetails) => resolve({ details, result: plan.forget ? undefined : (result as Promise<ExecutionResult>) });
      const result = this.queued(plan, onScheduled);
      // A no-op once scheduled: then the caller holds `result` (a forgotten one settles, undefined, at that point).
      result.catch((error: unknown) => reject(error));
    });
  }

  /** The lifecycle once a worker is free; an abort while it waits for one settles it at once (CANCELLED, nothing staged). */
  private queued(plan: ExecutionPlan, onScheduled: (details: SchedulingDetails) => void): Promise<ExecutionResult | undefined> {
    const { signal } = plan;
    return new Promise((settle, fail) => {
      let begun = false;
      const onAbort = () => {
        if (begun) return;
        begun = true;
        settle(this.settleUnstarted(plan, onScheduled, this.events.track(this.backend, plan.execution)));
      };
      const stopListening = signal ? this.queuedAborts.on(signal, onAbort) : undefined;
      this.limit(() => {
        stopListening?.();
        if (begun) return undefined; // settled by the abort while it waited
        begun = true;
        return this.lifecycle(plan, onScheduled);
      }).then(settle, fail);
    });
  }

  async getStatus(executionId: string): Promise<ExecutionStatus> {
    return (await this.require(executionId)).status;
  }

  /** Waits for an execution (scheduled by any process) and returns the same result `run` would. */
  async attach(executionId: string, options?: AttachOptions): Promise<ExecutionResult> {
    const found = await this.require(executionId);
    const status = found.archived ? found.status : await this.deps.executor.wait(executionId, { signal: options?.signal });
    return this.resultOf(status, resolveExecutionConfig({}));
  }

  /** Idempotent: cancelling a finished execution changes nothing. */
  async cancel(executionId: string): Promise<void> {
    const found = await this.require(executionId);
    if (!found.archived) await this.deps.executor.cancel(executionId);
  }

  /** Output lines tagged by stream; with `follow` it streams until the execution ends. Kept after `run` too. */
  async *logs(executionId: string, options?: LogOptions): AsyncIterable<LogLine> {
    const found = await this.require(executionId);
    const { executor } = this.deps;
    if (found.archived) yield* readArchivedLogs(this.deps.storage, found.status.baseDir, options?.signal);
    else if (!executor.logs) throw new NotSupportedError(`live log streaming is not supported on the ${this.backend} backend; see ${found.status.logUrl}`);
    else yield* executor.logs(executionId, options);
  }

  /** The backend's executions, and the finished `run`s it forgot but whose status is kept (Docker); newest first. */
  list(filter: ListFilter = {}): Promise<readonly ExecutionStatus[]> {
    return listExecutions(this.deps.executor, this.deps.storage, filter);
  }

  /** Removes finished executions' backend objects and staging directories; never a running one. */
  async cleanup(options: CleanupOptions = {}): Promise<{ readonly removed: readonly string[] }> {
    return { removed: await cleanupExecutions(this.deps.executor, this.deps.storage, options, this.now()) };
  }

  /** Releases what the service's adapters hold (the Docker volume helper, Google client channels). Executions go on. */
  async close(): Promise<void> {
    await Promise.all([this.deps.storage.dispose?.(), this.deps.executor.close?.()]);
  }

  private async lifecycle(plan: ExecutionPlan, onScheduled: (d: SchedulingDetails) => void): Promise<ExecutionResult | undefined> {
    const { executor, storage, logger } = this.deps;
    const { execution, signal } = plan;
    const track = this.events.track(this.backend, execution);
    if (signal?.aborted) return this.settleUnstarted(plan, onScheduled, track);
    await stageExecution(storage, plan);
    let logUrl: string;
    try {
      track.launching();
      ({ logUrl } = await launchWithRetry(executor, plan.spec, logger, {
        maxAttempts: execution.config.retry.maxAttemptsSchedule,
        attemptTimeoutSeconds: execution.config.timeout.timeoutSecondsSchedule,
        signal,
        onRetry: (error, attempt, retriesLeft) => track.retrying(error, attempt, retriesLeft),
      }));
    } catch (error) {
      const started = signal?.aborted ? await executor.getStatus(execution.id) : undefined;
      if (!started) {
        await storage.remove(execution.baseDir).catch(() => undefined); // report the launch error, not this one
        if (signal?.aborted) return this.settleUnstarted(plan, onScheduled, track);
        throw error;
      }
      logUrl = started.logUrl;
    }
    const details = this.detailsOf(plan, logUrl);
    track.scheduled(details);
    onScheduled(details);
    // Forgotten: not followed, so the worker slot frees now and nothing keeps the process alive. The backend
    // (or, on Docker, whoever asks next) enforces the timeout; attach/getStatus tell the end.
    if (plan.forget) return undefined;
    const status = await waitForFinal(executor, execution.id, signal, (running) => track.running(running.started));
    try {
      const kept = executor.releaseDeletesRecord ? await archiveExecution(executor, storage, logger, status) : status;
      const result = await this.resultOf(kept, execution.config);
      track.finished({ ...status, state: result.state }, result);
      return result;
    } finally {
      await executor.release?.(execution.id); // whatever reading the outputs gave, the container is not left behind
    }
  }

  /** Aborted before anything started: nothing is left behind and the result says CANCELLED. */
  private settleUnstarted(plan: ExecutionPlan, onScheduled: (d: SchedulingDetails) => void, track: ExecutionTracker): ExecutionResult {
    const details = this.detailsOf(plan, '');
    track.scheduled(details);
    onScheduled(details);
    const { execution } = plan;
    const status = {
      executionId: execution.id, jobName: execution.job.name, jobNamespace: execution.job.namespace,
      state: 'CANCELLED' as const, created: execution.created, started: undefined, stopped: this.now(),
      exitCode: undefined, message: 'cancelled before it started', logUrl: '', baseDir: execution.baseDir,
      timeoutSeconds: execution.config.timeout.timeoutSeconds,
    };
    const result = buildResult(status, { jsonOutput: undefined, jsonOutputError: undefined }, details.outputPath, this.now());
    track.finished(status, result);
    return result;
  }

  private async resultOf(status: ExecutionStatus, config: ReturnType<typeof resolveExecutionConfig>): Promise<ExecutionResult> {
    if (!isFinal(status.state)) throw new Error(`internal: ${status.executionId} is not final (${status.state})`);
    const output = await readJsonOutput(this.deps.storage, `${status.baseDir}/output`, config);
    const result = buildResult({ ...status, state: status.state }, output, this.deps.storage.location(`${status.baseDir}/output`), this.now());
    return status.tasks ? { ...result, tasks: await readTaskResults(this.deps.storage, status, config) } : result;
  }

  private detailsOf(plan: ExecutionPlan, logUrl: string): SchedulingDetails {
    const { execution } = plan;
    return {
      backend: this.backend,
      executionId: execution.id,
      jobName: execution.job.name,
      jobNamespace: execution.job.namespace,
      created: execution.created,
      logUrl,
      inputPath: this.deps.storage.location(execution.inputDir),
      outputPath: this.deps.storage.location(execution.outputDir),
    };
  }

  /** The backend's status, else (a finished `run` the backend forgot) the one kept in its staging directory. */
  private async require(executionId: string): Promise<{ readonly status: ExecutionStatus; readonly archived: boolean }> {
    if (typeof executionId !== 'string' || !EXECUTION_ID_RULE.test(executionId)) {
      throw new ValidationError('executionId', 'must be an execution id (lowercase letters, digits, hyphens)', executionId);
    }
    const live = await this.deps.executor.getStatus(executionId);
    if (live) return { status: live, archived: false };
    const archived = await this.archivedStatus(executionId);
    if (archived) return { status: archived, archived: true };
    throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the ${this.backend} backend`);
  }

  private async archivedStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    if (!this.deps.executor.releaseDeletesRecord) return undefined;
    const dir = await findArchivedDirectory(this.deps.storage, executionId);
    const status = dir === undefined ? undefined : await readArchivedStatus(this.deps.storage, dir);
    return status?.executionId === executionId ? status : undefined;
  }
}
