import { grpc } from 'google-gax';
import { RpcError } from './faults.js';

/**
 * GCP label rules (https://cloud.google.com/compute/docs/labeling-resources#requirements): at most 64 labels,
 * keys start with a lowercase letter, keys and values at most 63 of lowercase letters, digits, `_` and `-`
 * (the international letters GCP also accepts are not modelled).
 */
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const MAX_LABELS = 64;

/** Location part of a resource name: `projects/p/locations/l`. */
export function locationOf(resourceName: string): string {
  return resourceName.split('/').slice(0, 4).join('/');
}

/** INVALID_ARGUMENT unless `name` is `projects/P/locations/L`. */
export function requireLocation(name: string | null | undefined, field = 'parent'): string {
  if (!name || !/^projects\/[^/]+\/locations\/[^/]+$/.test(name)) {
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `${field} must be projects/{project}/locations/{location}, got '${name ?? ''}'`);
  }
  return name;
}

/** INVALID_ARGUMENT naming the first label that breaks the GCP rules. */
export function checkLabels(labels: Record<string, string>, field = 'labels'): void {
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${field}: at most ${MAX_LABELS} labels, got ${entries.length}`);
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `label ${key}=${value}: keys must match [a-z][a-z0-9_-]{0,62}, values [a-z0-9_-]{0,63}`);
    }
  }
}

/** Keyset-free paging: the token is the offset of the next page. */
export function page<T>(items: readonly T[], pageSize: number | null | undefined, pageToken: string | null | undefined): { items: T[]; next: string } {
  const start = pageToken ? Number(pageToken) : 0;
  if (!Number.isInteger(start) || start < 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, `bad page token '${pageToken}'`);
  const size = pageSize && pageSize > 0 ? pageSize : 100;
  const slice = items.slice(start, start + size);
  return { items: slice, next: start + size < items.length ? String(start + size) : '' };
}

/** The page size a server with a cap answers: the smaller of the request's and the cap. */
export function cappedPageSize(requested: number | null | undefined, cap: number | undefined): number | null | undefined {
  return cap ? Math.min(requested || cap, cap) : requested;
}
