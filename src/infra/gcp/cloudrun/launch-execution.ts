import { isRetryable, SchedulingError, ValidationError } from '../../../domain/errors.js';
import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import { abortable } from '../../shared/abort.js';
import { attemptTimeoutSeconds } from '../shared/attempt-timeout.js';
import { locationOf, type GcpSettings } from '../shared/gcp-settings.js';
import type { CloudRunApi, RunOutcome } from './cloudrun-api.js';
import { buildJob, runJobRequest } from './cloudrun-mapper.js';
import type { ExecutionLookup } from './execution-lookup.js';
import { jobDefinitionOf, jobIdOf } from './job-definition.js';
import type { JobRegistry } from './job-registry.js';

export interface LaunchDeps {
  readonly api: CloudRunApi;
  readonly jobs: JobRegistry;
  readonly lookup: ExecutionLookup;
}

/** An array's tasks run the args through the task wrapper (TASK_WRAPPER): without args there is nothing to run. */
export function checkArrayCommand(spec: LaunchSpec): void {
  if (!spec.array || spec.args.length > 0) return;
  throw new ValidationError('job.overriddenArgs', 'must give the command of a Cloud Run array (or `args`, or `pythonScriptPath`): each task runs it through `sh -c`, which sets the task\'s SMARTJOB_TASK_INDEX and OUTPUT_PATH, so the image\'s own command cannot be used');
}

/**
 * Makes sure the definition's Job exists, runs it once, and remembers the execution. Returns its name.
 * One RunJob per call: the domain retries, after asking `getStatus` whether this attempt started one.
 */
export async function launchExecution(deps: LaunchDeps, settings: GcpSettings, spec: LaunchSpec, signal: AbortSignal | undefined): Promise<string> {
  const { jobs, lookup } = deps;
  checkArrayCommand(spec); // the service checked it before staging (checkLaunch); a direct caller gets it here
  const definition = jobDefinitionOf({ namespace: spec.jobNamespace, name: spec.jobName, image: spec.image }, settings, spec.config, spec.array);
  const location = locationOf(settings);
  const jobName = `${location}/jobs/${jobIdOf(definition)}`;
  const build = () => buildJob(definition, settings.stagingBucket, attemptTimeoutSeconds(spec.config));
  await abortable(jobs.ensure(jobName, build), signal);
  lookup.expect(spec.executionId, location); // a retry after a lost answer searches there
  let outcome = await runOrDiscard(deps, jobName, spec, signal);
  if (outcome.kind === 'jobMissing') {
    // Deleted since it was checked (a cleanup removed its last execution): create it again, once.
    jobs.forget(jobName);
    await abortable(jobs.ensure(jobName, build), signal);
    outcome = await runOrDiscard(deps, jobName, spec, signal);
  }
  if (outcome.kind === 'jobMissing') throw new SchedulingError(`Cloud Run job ${jobName} vanished twice while starting ${spec.executionId}`, { retryable: true });
  const executionName = outcome.executionName ?? (await lookup.find(spec.executionId))?.name;
  if (!executionName) throw new SchedulingError(`RunJob answered without naming the execution of ${spec.executionId}`, { retryable: true });
  lookup.remember(spec.executionId, executionName);
  return executionName;
}

/** RunJob; a refusal no retry will change (permission denied, bad request) leaves no Job without an execution behind. */
async function runOrDiscard(deps: LaunchDeps, jobName: string, spec: LaunchSpec, signal: AbortSignal | undefined): Promise<RunOutcome> {
  try {
    return await deps.api.runJob(runJobRequest(jobName, spec), signal);
  } catch (error) {
    if (!isRetryable(error) && !signal?.aborted) await deps.jobs.discardIfUnused(jobName);
    throw error;
  }
}
