import { createRequire } from 'node:module';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { protos } from '@google-cloud/run';

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
export type IOperation = protos.google.longrunning.IOperation;
export type IAny = protos.google.protobuf.IAny;
export type ITimestamp = protos.google.protobuf.ITimestamp;
export type IDuration = protos.google.protobuf.IDuration;

const require = createRequire(import.meta.url);
// The exact protos the client was generated from, so the fake and the client agree on every field.
const PROTOS_JSON = require('@google-cloud/run/build/protos/protos.json') as protobuf.INamespace;

/** Plain objects in and out: camelCase fields, int64 as numbers, enums as their names, unset fields absent. */
export const packageDefinition = protoLoader.fromJSON(PROTOS_JSON, {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
});

const root = protobuf.Root.fromJSON(PROTOS_JSON);

/** An Any holding `value` encoded as the exact message type (the client decodes it with that type). */
export function packAny(typeName: 'google.cloud.run.v2.Execution' | 'google.cloud.run.v2.Job', value: object): IAny {
  const type = root.lookupType(typeName);
  const any = { typeUrl: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(value)).finish() };
  return any as unknown as IAny; // the generated IAny spells it type_url; proto-loader (keepCase false) wants typeUrl
}

export function timestamp(date: Date): ITimestamp {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** Seconds of a Duration (int64 seconds may arrive as number, string or Long). */
export function durationSeconds(duration: IDuration | null | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) + Number(duration.nanos ?? 0) / 1e9;
}
