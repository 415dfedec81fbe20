import { grpc } from 'google-gax';
import { FaultPlan, RpcError, type FailNextOptions } from './faults.js';

/** Each handler takes its own request type; `never` accepts them all here. */
export type Handler = (request: never) => unknown;

const LOST_ANSWER: Partial<Record<grpc.status, string>> = {
  [grpc.status.UNAVAILABLE]: 'connection reset (injected: the answer was lost)',
  [grpc.status.DEADLINE_EXCEEDED]: 'deadline exceeded (injected: the answer came too late)',
};

/**
 * A gRPC server on 127.0.0.1 serving plain handlers, with per-method call counters and planned faults.
 * Handlers return the response (or a promise of it) and throw RpcError to answer with a status.
 */
export class FakeGrpcServer<M extends string> {
  private readonly server = new grpc.Server();
  private readonly faults = new FaultPlan<M>();
  private readonly counts = new Map<M, number>();

  constructor(
    private readonly packageDefinition: Record<string, unknown>,
    /** Names the fake in logged handler errors. */
    private readonly label: string,
  ) {}

  addService(serviceName: string, handlers: Partial<Record<M, Handler>>): void {
    const definition = this.packageDefinition[serviceName] as grpc.ServiceDefinition | undefined;
    if (!definition) throw new Error(`${this.label}: no service ${serviceName} in the protos`);
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers) as [M, Handler][]) implementation[method] = this.unary(method, handler);
    this.server.addService(definition, implementation);
  }

  /** Binds 127.0.0.1 on a port the system chooses and returns it. */
  listen(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    });
  }

  /** The next `count` calls of `method` fail with `code` before doing anything. */
  failNext(options: FailNextOptions<M>): void {
    this.faults.failNext(options);
  }

  /** The next call of `method` does its work server-side, then the client gets `code`. */
  loseNextAnswer(method: M, code?: grpc.status): void {
    this.faults.loseNextAnswer(method, code);
  }

  /** Drops the planned faults not used yet. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** How many calls of `method` arrived (faulted ones included). */
  callCount(method: M): number {
    return this.counts.get(method) ?? 0;
  }

  /** Every method called so far and how many times. */
  callCounts(): Partial<Record<M, number>> {
    return Object.fromEntries(this.counts) as Partial<Record<M, number>>;
  }

  shutdown(): void {
    this.server.forceShutdown();
  }

  private unary(method: M, handler: Handler): grpc.handleUnaryCall<unknown, unknown> {
    return (call, callback) => {
      this.counts.set(method, this.callCount(method) + 1);
      const fault = this.faults.take(method);
      if (fault?.kind === 'fail') return callback({ code: fault.code, details: fault.message }, null);
      Promise.resolve()
        .then(() => handler(call.request as never))
        .then(
          (response) => {
            if (fault?.kind === 'lose') callback({ code: fault.code, details: LOST_ANSWER[fault.code] ?? 'injected: the answer was lost' }, null);
            else callback(null, response);
          },
          (error: unknown) => {
            if (error instanceof RpcError) return callback({ code: error.code, details: error.message }, null);
            console.error(`${this.label}: ${method} failed`, error);
            callback({ code: grpc.status.INTERNAL, details: String((error as Error)?.message ?? error) }, null);
          },
        );
    };
  }
}
