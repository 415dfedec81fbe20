import type { ExecutionsClient, JobsClient, TasksClient, protos } from '@google-cloud/run';
import type { CloudRunClientOptions } from './cloudrun-options.js';

export type RunJob = protos.google.cloud.run.v2.IJob;
export type RunExecution = protos.google.cloud.run.v2.IExecution;
export type RunCondition = protos.google.cloud.run.v2.ICondition;
export type RunTaskTemplate = protos.google.cloud.run.v2.ITaskTemplate;
export type RunContainer = protos.google.cloud.run.v2.IContainer;
export type RunJobRequest = protos.google.cloud.run.v2.IRunJobRequest;
export type RunTimestamp = protos.google.protobuf.ITimestamp;

export interface CloudRunClients {
  readonly jobs: JobsClient;
  readonly executions: ExecutionsClient;
  readonly tasks: TasksClient;
}

/**
 * Loads @google-cloud/run on first use only: importing smartjob, or running a Docker job, must not pay
 * for (or depend on) the Google client libraries.
 */
export async function loadCloudRunClients(options: CloudRunClientOptions | undefined): Promise<CloudRunClients> {
  const { v2 } = await import('@google-cloud/run');
  const opts = { ...options };
  return { jobs: new v2.JobsClient(opts), executions: new v2.ExecutionsClient(opts), tasks: new v2.TasksClient(opts) };
}

export async function closeCloudRunClients(clients: CloudRunClients): Promise<void> {
  await Promise.all([clients.jobs.close(), clients.executions.close(), clients.tasks.close()]);
}
