import { grpcCodeOf, translateGaxError, type GaxCallKind } from './gax-errors.js';

/**
 * Runs one client call of a backend's API wrapper and translates its failure: the one depth at which SDK
 * errors become domain errors. A gRPC code listed in `tolerated` is an answer, not a failure: its value is returned.
 */
export async function gaxCall<T, U = never>(
  doing: string,
  kind: GaxCallKind,
  call: () => Promise<T>,
  tolerated: ReadonlyMap<number, U> = new Map(),
): Promise<T | U> {
  try {
    return await call();
  } catch (error) {
    const code = grpcCodeOf(error);
    if (code !== undefined && tolerated.has(code)) return tolerated.get(code) as U;
    throw translateGaxError(error, doing, kind);
  }
}

/** Iterates a paged listing, translating its failure; `tolerated` codes end the listing instead (e.g. a parent deleted meanwhile). */
export async function* gaxPages<T>(doing: string, pages: () => AsyncIterable<T>, tolerated: readonly number[] = []): AsyncIterable<T> {
  try {
    yield* pages();
  } catch (error) {
    if (tolerated.includes(grpcCodeOf(error) ?? -1)) return;
    throw translateGaxError(error, doing);
  }
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
