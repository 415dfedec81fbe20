import { createRequire } from 'node:module';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { protos } from '@google-cloud/run';

export type IOperation = protos.google.longrunning.IOperation;
export type IAny = protos.google.protobuf.IAny;
export type ITimestamp = protos.google.protobuf.ITimestamp;
export type IDuration = protos.google.protobuf.IDuration;
/** Get, Delete and Cancel requests all name their resource. */
export type INamedRequest = { name?: string | null };

const require = createRequire(import.meta.url);

export interface ClientProtos {
  /** Service definitions for grpc.Server#addService, keyed by full service name. */
  readonly packageDefinition: protoLoader.PackageDefinition;
  /** An Any holding `value` encoded as the exact message type (the client decodes it with that type). */
  packAny(typeName: string, value: object): IAny;
}

/**
 * The exact protos a client package was generated from (its `build/protos/protos.json`), so the fake and the
 * client agree on every field. Plain objects in and out: camelCase fields, int64 as numbers, enums as their
 * names, unset fields absent.
 */
export function loadClientProtos(protosJson: string): ClientProtos {
  const json = require(protosJson) as protobuf.INamespace;
  const packageDefinition = protoLoader.fromJSON(json, { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true });
  const root = protobuf.Root.fromJSON(json);
  return {
    packageDefinition,
    packAny(typeName, value) {
      const type = root.lookupType(typeName);
      const any = { typeUrl: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(value)).finish() };
      return any as unknown as IAny; // the generated IAny spells it type_url; proto-loader (keepCase false) wants typeUrl
    },
  };
}

export function timestamp(date: Date): ITimestamp {
  const ms = date.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** Milliseconds of a Timestamp (int64 seconds may arrive as number, string or Long). */
export function timestampMs(value: ITimestamp | null | undefined): number | undefined {
  if (!value) return undefined;
  return Number(value.seconds ?? 0) * 1000 + Math.floor(Number(value.nanos ?? 0) / 1e6);
}

/** Seconds of a Duration (int64 seconds may arrive as number, string or Long). */
export function durationSeconds(duration: IDuration | null | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) + Number(duration.nanos ?? 0) / 1e9;
}

export function duration(seconds: number): IDuration {
  const whole = Math.floor(seconds);
  return { seconds: whole, nanos: Math.round((seconds - whole) * 1e9) };
}
