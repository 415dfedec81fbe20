import { createExecution } from '../../src/domain/execution.js';
import { resolveExecutionConfig, type ExecutionConfig } from '../../src/domain/execution-config.js';
import { validateJob, type SmartJob } from '../../src/domain/job.js';
import type { LaunchSpec } from '../../src/domain/ports/executor.port.js';

/** A launch spec as the service would build it, for the pure mappers' unit tests. */
export function launchSpec(job: Partial<SmartJob> = {}, config: ExecutionConfig = {}, id = '0123456789abcdef', created = new Date('2026-01-02T03:04:05.678Z')): LaunchSpec {
  const resolvedJob = validateJob({ name: 'train', namespace: 'ns', dockerImage: 'example/image:1', overriddenArgs: ['sh', '-c', 'exit 0'], ...job });
  const execution = createExecution(resolvedJob, resolveExecutionConfig(config), id, created);
  return {
    executionId: id,
    jobName: resolvedJob.name,
    jobNamespace: resolvedJob.namespace,
    created,
    baseDir: execution.baseDir,
    image: resolvedJob.dockerImage,
    args: resolvedJob.overriddenArgs,
    env: { ...resolvedJob.addEnvs, INPUT_PATH: `/staging/${execution.inputDir}`, OUTPUT_PATH: `/staging/${execution.outputDir}`, EXECUTION_ID: id },
    secretEnvs: resolvedJob.secretEnvs,
    secretRefs: resolvedJob.secretRefs,
    config: execution.config,
  };
}
