/** Small helpers for the protobuf messages every Google client answers with. */

/** One page per request: the caller pages itself (and can stop early) instead of the client fetching every page. */
export const NO_AUTO_PAGINATION = { autoPaginate: false } as const;

/** A google.protobuf.Timestamp as the clients decode it: int64 seconds as string (gRPC answers) or Long (operation metadata). */
export interface ProtoTimestamp {
  readonly seconds?: number | string | { toString(): string } | null;
  readonly nanos?: number | null;
}

/** The date of a timestamp; undefined when unset or zero. Number() reads string and Long alike. */
export function dateOf(ts: ProtoTimestamp | null | undefined): Date | undefined {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const ms = Number(ts.seconds) * 1000 + Math.floor(Number(ts.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms) : undefined;
}

/** A google.protobuf.Duration of whole seconds, at least 1 (Cloud Run rejects fractions; a 0 s limit means none). */
export function wholeSecondsDuration(seconds: number): { seconds: number } {
  return { seconds: Math.max(1, Math.ceil(seconds)) };
}

/** Enum fields decode as names in gRPC answers and as numbers in operation metadata: true for either. */
export function enumIs(value: unknown, name: string, number: number): boolean {
  return value === name || value === number;
}
