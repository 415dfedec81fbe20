import { SchedulingError } from '../../../domain/errors.js';
import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import { GrpcCode, hasGrpcCode, translateGaxError } from '../gax-errors.js';
import type { GcpSettings } from '../gcp-settings.js';
import { abortable } from '../../shared/abort.js';
import type { CloudRunClients, RunJobRequest } from './cloudrun-clients.js';
import { MAIN_CONTAINER } from './cloudrun-options.js';
import type { ExecutionLookup } from './execution-lookup.js';
import { recordEnv } from './execution-record.js';
import { jobDefinitionOf, jobIdOf } from './job-definition.js';
import type { JobRegistry } from './job-registry.js';
import { buildJob, durationOf } from './job-template.js';

export interface LaunchDeps {
  readonly clients: CloudRunClients;
  readonly jobs: JobRegistry;
  readonly lookup: ExecutionLookup;
}

/** Makes sure the definition's Job exists, runs it once, and remembers the execution. Returns its name. */
export async function launchExecution(deps: LaunchDeps, settings: GcpSettings, spec: LaunchSpec, signal: AbortSignal | undefined): Promise<string> {
  const { clients, jobs, lookup } = deps;
  const definition = jobDefinitionOf({ namespace: spec.jobNamespace, name: spec.jobName, image: spec.image }, settings, spec.config);
  const jobName = `projects/${settings.project}/locations/${settings.region}/jobs/${jobIdOf(definition)}`;
  const build = () => buildJob(definition, settings.stagingBucket, spec.timeoutSeconds);
  await abortable(jobs.ensure(jobName, build), signal);
  let outcome = await runExecution(clients, jobName, spec, signal);
  if (outcome.kind === 'jobMissing') {
    // Deleted since it was checked (a cleanup removed its last execution): create it again, once.
    jobs.forget(jobName);
    await abortable(jobs.ensure(jobName, build), signal);
    outcome = await runExecution(clients, jobName, spec, signal);
  }
  if (outcome.kind === 'jobMissing') throw new SchedulingError(`Cloud Run job ${jobName} vanished twice while starting ${spec.executionId}`, { retryable: true });
  const executionName = outcome.executionName ?? (await lookup.find(spec.executionId))?.name;
  if (!executionName) throw new SchedulingError(`RunJob answered without naming the execution of ${spec.executionId}`, { retryable: true });
  lookup.remember(spec.executionId, executionName);
  return executionName;
}

/** RunJob with this execution's args, env (plus the smartjob record), one task and its timeout. */
export function runJobRequest(jobName: string, spec: LaunchSpec): RunJobRequest {
  const env = { ...spec.env, ...recordEnv(spec) };
  return {
    name: jobName,
    overrides: {
      // Empty args keep the image's own command: the template sets none.
      containerOverrides: [{ name: MAIN_CONTAINER, args: [...spec.args], env: Object.entries(env).map(([name, value]) => ({ name, value })) }],
      taskCount: 1,
      timeout: durationOf(spec.timeoutSeconds),
    },
  };
}

export type RunOutcome = { readonly kind: 'started'; readonly executionName: string | undefined } | { readonly kind: 'jobMissing' };

/**
 * One RunJob call, never retried here: RunJob is not idempotent, and a retry after a lost answer would start
 * a second execution. The domain retries, after asking `getStatus` whether this attempt started one.
 */
export async function runExecution(clients: CloudRunClients, jobName: string, spec: LaunchSpec, signal: AbortSignal | undefined): Promise<RunOutcome> {
  try {
    const [operation] = await abortable(clients.jobs.runJob(runJobRequest(jobName, spec)), signal);
    // The operation's metadata is the Execution. Its promise is never awaited: the client's polling budget
    // would end long executions early, so waiting polls the executions (execution-poller.ts) instead.
    const metadata = operation.metadata as { name?: string | null } | null;
    return { kind: 'started', executionName: metadata?.name || undefined };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (hasGrpcCode(error, GrpcCode.NOT_FOUND)) return { kind: 'jobMissing' };
    throw translateGaxError(error, `starting execution ${spec.executionId} of Cloud Run job ${jobName}`, 'launch');
  }
}
