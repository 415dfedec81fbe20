import type { CustomJob, VertexApi } from './vertex-api.js';
import { executionIdsFilter } from './vertex-filters.js';
import { recordOfJob } from './vertex-mapper.js';

const MAX_REMEMBERED = 10_000;

interface Known {
  /** Undefined while its CreateCustomJob has not answered (expected). */
  readonly name?: string;
  /** The location it was launched in or found in, spelled as the service spells it (project id, not number). */
  readonly location: string;
}

/**
 * Finds CustomJobs by smartjob execution id. Vertex assigns job ids itself, so the name of a job is known only
 * to the process that created it (remembered here); any other id is searched by its label (ListCustomJobs with a
 * filter) where it is expected to be, else in the service's location.
 */
export class CustomJobLookup {
  private readonly known = new Map<string, Known>();

  constructor(private readonly api: VertexApi) {}

  remember(executionId: string, name: string, location: string): void {
    this.known.delete(executionId);
    this.known.set(executionId, { name, location });
    // A long-lived process launches without end: forget the oldest (they stay findable by label).
    if (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value as string);
  }

  /**
   * Where a launch is about to create the job, before it asks: when the answer is lost, the retry's lookup
   * searches that location (an execution with its own region or project), not the service's.
   */
  expect(executionId: string, location: string): void {
    if (this.known.get(executionId)?.name) return;
    this.known.delete(executionId);
    this.known.set(executionId, { location });
    if (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value as string);
  }

  knownName(executionId: string): string | undefined {
    return this.known.get(executionId)?.name;
  }

  /** Where the execution is polled: where it was launched, else the service's location. */
  locationOf(executionId: string): string {
    return this.known.get(executionId)?.location ?? this.api.location;
  }

  forget(executionId: string): void {
    this.known.delete(executionId);
  }

  /** The job, or undefined when none carries that id (or it was deleted). */
  async find(executionId: string): Promise<CustomJob | undefined> {
    const known = this.known.get(executionId);
    if (known?.name) {
      const job = await this.api.getCustomJob(known.name);
      if (!job) this.known.delete(executionId);
      return job;
    }
    const location = known?.location ?? this.api.location;
    for await (const job of this.api.listCustomJobs(location, executionIdsFilter([executionId]), 1)) {
      if (recordOfJob(job)?.executionId !== executionId) continue; // the filter is trusted, and checked
      this.remember(executionId, job.name as string, location);
      return job;
    }
    return undefined;
  }
}
