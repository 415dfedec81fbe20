import type { protos } from '@google-cloud/batch';
import { loadClientProtos } from '../shared/protos.js';

type v1 = typeof protos.google.cloud.batch.v1;
export type IJob = protos.google.cloud.batch.v1.IJob;
export type ITask = protos.google.cloud.batch.v1.ITask;
export type ITaskGroup = protos.google.cloud.batch.v1.ITaskGroup;
export type ITaskSpec = protos.google.cloud.batch.v1.ITaskSpec;
export type IRunnable = protos.google.cloud.batch.v1.IRunnable;
export type IVolume = protos.google.cloud.batch.v1.IVolume;
export type IStatusEvent = protos.google.cloud.batch.v1.IStatusEvent;
export type ICreateJobRequest = protos.google.cloud.batch.v1.ICreateJobRequest;
export type IListJobsRequest = protos.google.cloud.batch.v1.IListJobsRequest;
export type IListTasksRequest = protos.google.cloud.batch.v1.IListTasksRequest;
/** Enum names, as proto-loader (enums: String) hands them over. */
export type JobState = keyof v1['JobStatus']['State'];
export type TaskState = keyof v1['TaskStatus']['State'];

export const JOB_STATES: readonly JobState[] = [
  'STATE_UNSPECIFIED', 'QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'DELETION_IN_PROGRESS', 'CANCELLATION_IN_PROGRESS', 'CANCELLED',
];
export const TASK_STATES: readonly TaskState[] = ['STATE_UNSPECIFIED', 'PENDING', 'ASSIGNED', 'RUNNING', 'FAILED', 'SUCCEEDED', 'UNEXECUTED'];

const batchProtos = loadClientProtos('@google-cloud/batch/build/protos/protos.json');
export const packageDefinition = batchProtos.packageDefinition;
export const packAny = batchProtos.packAny;
