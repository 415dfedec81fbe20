import { grpc } from 'google-gax';

export interface FailNextOptions<M extends string = string> {
  readonly method: M;
  /** How many consecutive calls fail. @default 1 */
  readonly count?: number;
  readonly code: grpc.status;
  /** @default 'injected fault' */
  readonly message?: string;
}

/**
 * What to do with one call: fail it before it runs, or run it and then lose the answer (the client sees `code`:
 * UNAVAILABLE as after a connection reset, or DEADLINE_EXCEEDED as after a reply that came too late).
 */
export type Fault =
  | { readonly kind: 'fail'; readonly code: grpc.status; readonly message: string }
  | { readonly kind: 'lose'; readonly code: grpc.status };

/** Planned faults, consumed in order, one per call of the method. */
export class FaultPlan<M extends string = string> {
  private readonly queues = new Map<M, Fault[]>();

  failNext(options: FailNextOptions<M>): void {
    const count = options.count ?? 1;
    for (let i = 0; i < count; i++) {
      this.queue(options.method).push({ kind: 'fail', code: options.code, message: options.message ?? 'injected fault' });
    }
  }

  loseNextAnswer(method: M, code: grpc.status = grpc.status.UNAVAILABLE): void {
    this.queue(method).push({ kind: 'lose', code });
  }

  /** Drops every planned fault not used yet (a "permanent" fault planned as many). */
  clear(): void {
    this.queues.clear();
  }

  take(method: M): Fault | undefined {
    return this.queues.get(method)?.shift();
  }

  private queue(method: M): Fault[] {
    let queue = this.queues.get(method);
    if (!queue) this.queues.set(method, (queue = []));
    return queue;
  }
}

/** An error a handler throws to answer with a gRPC status. */
export class RpcError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
  }
}
