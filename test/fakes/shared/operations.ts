import { grpc } from 'google-gax';
import { RpcError } from './faults.js';
import type { INamedRequest, IOperation } from './protos.js';

/** Computes an operation as it stands now: an operation follows the resource it is about. */
export type OperationSnapshot = () => IOperation;

/** The long-running operations a fake has handed out, by name. */
export class OperationStore {
  private readonly snapshots = new Map<string, OperationSnapshot>();

  /** Registers `snapshot` under `name` and returns the operation as it stands now. */
  add(name: string, snapshot: OperationSnapshot): IOperation {
    this.snapshots.set(name, snapshot);
    return snapshot();
  }

  get(name: string): IOperation {
    const snapshot = this.snapshots.get(name);
    if (!snapshot) throw new RpcError(grpc.status.NOT_FOUND, `Operation '${name}' was not found`);
    return snapshot();
  }

  delete(name: string): void {
    this.snapshots.delete(name);
  }
}

/** google.longrunning.Operations: Get (what `operation.promise()` polls) and Delete. */
export function operationsService(store: OperationStore) {
  return {
    GetOperation: (request: INamedRequest) => store.get(request.name ?? ''),
    DeleteOperation(request: INamedRequest) {
      store.delete(request.name ?? '');
      return {};
    },
  };
}
