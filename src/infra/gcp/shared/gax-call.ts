import { grpcCodeOf, translateGaxError, type GaxCallKind } from './gax-errors.js';
import { withCallRetry, type CallRetrySettings } from './gax-retry.js';

/**
 * Runs one client call of a backend's API wrapper and translates its failure: the one depth at which SDK
 * errors become domain errors. A gRPC code listed in `tolerated` is an answer, not a failure: its value is returned.
 * With `retry` (idempotent calls only) a transient answer is retried first, with backoff (see CallRetryOptions).
 */
export async function gaxCall<T, U = never>(
  doing: string,
  kind: GaxCallKind,
  call: () => Promise<T>,
  tolerated: ReadonlyMap<number, U> = new Map(),
  retry?: CallRetrySettings,
): Promise<T | U> {
  try {
    return await (retry ? withCallRetry(call, retry) : call());
  } catch (error) {
    const code = grpcCodeOf(error);
    if (code !== undefined && tolerated.has(code)) return tolerated.get(code) as U;
    throw translateGaxError(error, doing, kind);
  }
}

/** One page as a client's list method answers with `autoPaginate: false`: its items, the next page's request (null at the end). */
export type GaxPage<T> = readonly [T[], { readonly pageToken?: string | null } | null | undefined, ...unknown[]];

export interface GaxPagedOptions {
  /** Codes that end the listing instead of failing it (e.g. a parent deleted meanwhile). @default none */
  readonly tolerated?: readonly number[];
  /** Each page is retried on its own after a transient answer: no item is read twice. @default no retry */
  readonly retry?: CallRetrySettings;
}

/** Iterates a paged listing one page per call (stop iterating to stop paging), translating its failure. */
export async function* gaxPaged<T>(doing: string, fetchPage: (pageToken: string | undefined) => Promise<GaxPage<T>>, options: GaxPagedOptions = {}): AsyncIterable<T> {
  for await (const page of gaxPageList(doing, fetchPage, options)) yield* page;
}

/** The same listing as whole pages, for a caller that counts (and caps) its calls: the next page is asked for only when iterated to. */
export async function* gaxPageList<T>(doing: string, fetchPage: (pageToken: string | undefined) => Promise<GaxPage<T>>, options: GaxPagedOptions = {}): AsyncIterable<readonly T[]> {
  let pageToken: string | undefined;
  do {
    let page: GaxPage<T>;
    try {
      const token = pageToken;
      page = await (options.retry ? withCallRetry(() => fetchPage(token), options.retry) : fetchPage(token));
    } catch (error) {
      if (options.tolerated?.includes(grpcCodeOf(error) ?? -1)) return;
      throw translateGaxError(error, doing);
    }
    yield page[0];
    pageToken = page[1]?.pageToken || undefined;
  } while (pageToken);
}

/** Clients loaded on first use (a failed load is tried again by the next call), closed only if they were ever created. */
export class LazyClients<T> {
  private loading: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>, private readonly closeAll: (clients: T) => Promise<void>) {}

  get(): Promise<T> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading) await this.closeAll(await loading);
  }
}
