import { grpc } from 'google-gax';

export type FakeMethod =
  | 'CreateJob' | 'GetJob' | 'ListJobs' | 'DeleteJob' | 'RunJob'
  | 'GetExecution' | 'ListExecutions' | 'CancelExecution' | 'DeleteExecution'
  | 'GetTask' | 'ListTasks' | 'GetOperation' | 'DeleteOperation';

export interface FailNextOptions {
  readonly method: FakeMethod;
  /** How many consecutive calls fail. @default 1 */
  readonly count?: number;
  readonly code: grpc.status;
  /** @default 'injected fault' */
  readonly message?: string;
}

/** What to do with one call: fail it before it runs, or run it and then lose the answer. */
export type Fault = { readonly kind: 'fail'; readonly code: grpc.status; readonly message: string } | { readonly kind: 'lose' };

/** Planned faults, consumed in order, one per call of the method. */
export class FaultPlan {
  private readonly queues = new Map<FakeMethod, Fault[]>();

  failNext(options: FailNextOptions): void {
    const count = options.count ?? 1;
    for (let i = 0; i < count; i++) {
      this.queue(options.method).push({ kind: 'fail', code: options.code, message: options.message ?? 'injected fault' });
    }
  }

  loseNextAnswer(method: FakeMethod): void {
    this.queue(method).push({ kind: 'lose' });
  }

  take(method: FakeMethod): Fault | undefined {
    return this.queues.get(method)?.shift();
  }

  private queue(method: FakeMethod): Fault[] {
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
