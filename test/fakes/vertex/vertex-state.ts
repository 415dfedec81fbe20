import { grpc } from 'google-gax';
import type { ContainerOwner } from '../shared/containers.js';
import type { RunLifecycle } from '../shared/fake-backend.js';
import { RpcError } from '../shared/faults.js';
import { OperationStore } from '../shared/operations.js';
import type { ICustomJob, JobState } from './protos.js';

/** One CustomJob and what the fake needs to run, stop and report it. */
export interface CustomJobRecord extends ContainerOwner, RunLifecycle {
  readonly name: string;
  /** The numeric id Vertex assigns (the last segment of `name`). */
  readonly id: string;
  /** Mutated in place as the job progresses: every read sees the latest state. */
  readonly job: ICustomJob;
  /** Every state the job has been in, in order (a poller may miss the short ones). */
  readonly states: JobState[];
  stopRequested?: 'cancelled' | 'deleted';
}

/** Everything the fake server knows: CustomJobs by resource name, operations, and project numbers. */
export class VertexState {
  readonly jobs = new Map<string, CustomJobRecord>();
  readonly operations = new OperationStore();
  /** Largest page ListCustomJobs answers, whatever page_size asks. */
  maxPageSize: number | undefined;

  constructor(private readonly projectNumbers: Readonly<Record<string, string>> = {}) {}

  /** The name as Vertex writes it: `projects/<number>/…` when the project's number is known (requests may use either). */
  canonical(name: string): string {
    const [, project = ''] = name.split('/');
    const number = this.projectNumbers[project];
    return number && name.startsWith(`projects/${project}/`) ? `projects/${number}/${name.slice(`projects/${project}/`.length)}` : name;
  }

  requireJob(name: string): CustomJobRecord {
    const record = this.jobs.get(this.canonical(name));
    if (!record) throw new RpcError(grpc.status.NOT_FOUND, `The CustomJob does not exist: ${name}`);
    return record;
  }
}
