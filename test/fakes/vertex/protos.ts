import type { protos } from '@google-cloud/aiplatform';
import { loadClientProtos } from '../shared/protos.js';

type v1 = typeof protos.google.cloud.aiplatform.v1;
export type ICustomJob = protos.google.cloud.aiplatform.v1.ICustomJob;
export type IWorkerPoolSpec = protos.google.cloud.aiplatform.v1.IWorkerPoolSpec;
export type ICreateCustomJobRequest = protos.google.cloud.aiplatform.v1.ICreateCustomJobRequest;
export type IListCustomJobsRequest = protos.google.cloud.aiplatform.v1.IListCustomJobsRequest;
/** JobState names, as proto-loader (enums: String) hands them over. */
export type JobState = keyof v1['JobState'];

export const JOB_STATES: readonly JobState[] = [
  'JOB_STATE_UNSPECIFIED', 'JOB_STATE_QUEUED', 'JOB_STATE_PENDING', 'JOB_STATE_RUNNING', 'JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLING', 'JOB_STATE_CANCELLED', 'JOB_STATE_PAUSED', 'JOB_STATE_EXPIRED', 'JOB_STATE_UPDATING', 'JOB_STATE_PARTIALLY_SUCCEEDED',
];

// The aiplatform bundle holds every Vertex service: about a second to load, once per test process.
const vertexProtos = loadClientProtos('@google-cloud/aiplatform/build/protos/protos.json');
export const packageDefinition = vertexProtos.packageDefinition;
export const packAny = vertexProtos.packAny;
