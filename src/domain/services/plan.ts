import { ValidationError } from '../errors.js';
import { createExecution, newExecutionId, type Execution } from '../execution.js';
import { ignoredSettings, resolveExecutionConfig, type ExecutionConfig } from '../execution-config.js';
import { validateInputs, type Input } from '../inputs.js';
import { validateJob, type SmartJob } from '../job.js';
import type { ArrayLaunch, ExecutorPort, LaunchSpec } from '../ports/executor.port.js';
import type { LocalFilesPort } from '../ports/local-files.port.js';
import type { LoggerPort } from '../ports/logger.port.js';
import type { StoragePort } from '../ports/storage.port.js';
import { checkSecrets } from './secrets.js';
import { optionalObject, optionalSignal, validateArgs, validateEnvMap } from '../validation.js';

/** Options of `run` and `schedule`. */
export interface RunOptions {
  /** Files written into the execution's input directory before it starts. @default [] */
  readonly inputs?: readonly Input[];
  /** Arguments appended to the job's `overriddenArgs` (`{{INPUT}}` is replaced in them too). @default [] */
  readonly args?: readonly string[];
  /** Environment variables added to the job's own `addEnvs` (these win). @default {} */
  readonly addEnvs?: Readonly<Record<string, string>>;
  /** Secret variables added to the job's own `secretEnvs` (these win); see SmartJob.secretEnvs. @default {} */
  readonly secretEnvs?: Readonly<Record<string, string>>;
  /** Secret Manager references added to the job's own `secretRefs` (these win); see SmartJob.secretRefs. @default {} */
  readonly secretRefs?: Readonly<Record<string, string>>;
  /** Retries, timeouts and backend settings of this execution. @default {} */
  readonly executionConfig?: ExecutionConfig;
  /** Aborting cancels the execution: the result is CANCELLED. */
  readonly signal?: AbortSignal;
}

export interface ScheduleOptions extends RunOptions {
  /** Fire-and-forget: return once scheduled, without a result promise; the service does not follow it. @default false */
  readonly forget?: boolean;
}

/** A validated execution, ready to stage and launch. */
export interface ExecutionPlan {
  readonly execution: Execution;
  readonly inputs: readonly Input[];
  readonly script: { readonly localPath: string; readonly filename: string } | undefined;
  readonly spec: LaunchSpec;
  readonly forget: boolean;
  readonly signal: AbortSignal | undefined;
}

export interface PlanDeps {
  readonly executor: ExecutorPort;
  readonly storage: StoragePort;
  readonly localFiles: LocalFilesPort;
  readonly logger: LoggerPort;
  readonly now: () => Date;
}

export const INPUT_PLACEHOLDER = '{{INPUT}}';

/** Validates everything that can be checked before touching storage or the backend. */
export async function planExecution(job: SmartJob, options: ScheduleOptions | undefined, deps: PlanDeps, array?: ArrayLaunch): Promise<ExecutionPlan> {
  const resolvedJob = validateJob(job);
  const opts = optionalObject('options', options) ?? {};
  optionalSignal('signal', opts.signal);
  if (opts.forget !== undefined && typeof opts.forget !== 'boolean') throw new ValidationError('forget', 'must be a boolean', opts.forget);
  const config = resolveExecutionConfig(opts.executionConfig);
  const addEnvs = opts.addEnvs === undefined ? {} : validateEnvMap('addEnvs', opts.addEnvs);
  const jobArgs = opts.args === undefined ? resolvedJob.overriddenArgs : [...resolvedJob.overriddenArgs, ...validateArgs('args', opts.args)];
  const { secretEnvs, secretRefs } = checkSecrets(resolvedJob, addEnvs, opts, deps.executor);
  const script = await checkScript(resolvedJob.pythonScriptPath, deps.localFiles);
  const inputs = validateInputs(opts.inputs, script ? [script.filename] : []);
  await checkLocalInputs(inputs, deps.localFiles);
  if (inputs.some((input) => input.kind === 'gcs')) deps.storage.checkCopyFromGcs?.();

  const ignored = ignoredSettings(config, deps.executor.supportedSettings);
  if (ignored.length > 0) deps.logger.warn(`the ${deps.executor.backend} backend ignores these settings: ${ignored.join(', ')}`);
  await deps.executor.preflight(resolvedJob.dockerImage, config, opts.signal);

  const execution = createExecution(resolvedJob, config, newExecutionId(), deps.now());
  const root = deps.executor.containerStagingRoot(config);
  const inputPath = `${root}/${execution.inputDir}`;
  const args = script ? ['python', `${inputPath}/${script.filename}`, ...jobArgs] : jobArgs;
  const spec: LaunchSpec = {
    executionId: execution.id,
    jobName: resolvedJob.name,
    jobNamespace: resolvedJob.namespace,
    created: execution.created,
    baseDir: execution.baseDir,
    image: resolvedJob.dockerImage,
    args: args.map((arg) => arg.replaceAll(INPUT_PLACEHOLDER, inputPath)),
    env: {
      ...resolvedJob.addEnvs,
      ...addEnvs,
      INPUT_PATH: inputPath,
      OUTPUT_PATH: `${root}/${execution.outputDir}`,
      EXECUTION_ID: execution.id,
    },
    secretEnvs,
    secretRefs,
    config,
    ...(array && { array }),
  };
  deps.executor.checkLaunch?.(spec);
  return { execution, inputs, script, spec, forget: opts.forget ?? false, signal: opts.signal };
}

async function checkScript(path: string | undefined, localFiles: LocalFilesPort) {
  if (path === undefined) return undefined;
  if (!(await localFiles.statFile(path))) throw new ValidationError('job.pythonScriptPath', 'must be a readable regular file', path);
  return { localPath: path, filename: localFiles.basename(path) };
}

async function checkLocalInputs(inputs: readonly Input[], localFiles: LocalFilesPort): Promise<void> {
  for (const [i, input] of inputs.entries()) {
    if (input.kind === 'localPath' && !(await localFiles.statFile(input.localPath))) {
      throw new ValidationError(`inputs[${i}].localPath`, 'must be a readable regular file', input.localPath);
    }
  }
}
