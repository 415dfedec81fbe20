import type { protos } from '@google-cloud/run';
import { loadClientProtos, type IAny } from '../shared/protos.js';

export { durationSeconds, timestamp, type IDuration, type IOperation, type ITimestamp } from '../shared/protos.js';
export type IJob = protos.google.cloud.run.v2.IJob;
export type IExecution = protos.google.cloud.run.v2.IExecution;
export type ITask = protos.google.cloud.run.v2.ITask;
export type ITaskTemplate = protos.google.cloud.run.v2.ITaskTemplate;
export type ICondition = protos.google.cloud.run.v2.ICondition;
export type IContainer = protos.google.cloud.run.v2.IContainer;
export type IEnvVar = protos.google.cloud.run.v2.IEnvVar;
export type IRunJobRequest = protos.google.cloud.run.v2.IRunJobRequest;
export type ICreateJobRequest = protos.google.cloud.run.v2.ICreateJobRequest;
/** Get, Delete and Cancel requests all name their resource. */
export type INamedRequest = { name?: string | null; validateOnly?: boolean | null };
/** List requests: a parent and a page. */
export type IListRequest = { parent?: string | null; pageSize?: number | null; pageToken?: string | null };

const protosOfRun = loadClientProtos('@google-cloud/run/build/protos/protos.json');
export const packageDefinition = protosOfRun.packageDefinition;

/** An Any holding `value` encoded as the exact message type (the client decodes it with that type). */
export function packAny(typeName: 'google.cloud.run.v2.Execution' | 'google.cloud.run.v2.Job', value: object): IAny {
  return protosOfRun.packAny(typeName, value);
}
