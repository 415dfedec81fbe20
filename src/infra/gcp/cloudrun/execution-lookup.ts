import { isFinal } from '../../../domain/execution.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { dateOf } from '../shared/protobuf.js';
import type { CloudRunApi, RunExecution } from './cloudrun-api.js';
import { recordOfExecution, stateOf, statusOf } from './cloudrun-mapper.js';
import { arrayStatusOf, isArrayExecution } from './cloudrun-tasks.js';
import { singleStatusOf } from './cloudrun-timeout.js';
import { executionPages } from './execution-pages.js';

const MAX_REMEMBERED = 10_000;
/** Calls one search by id may make (README, Cloud Run): the first search of a process reaches this many pages. */
export const SEARCH_MAX_PAGES = 5;
/** Executions asked per page of a search (Cloud Run may answer fewer). */
export const SEARCH_PAGE_SIZE = 1000;
/** A listing may show an execution late: a search reads again what is this much older than the last one's newest. */
const LISTING_LAG_MS = 60_000;

/**
 * Finds executions by smartjob execution id. Names this process launched or met in a listing are remembered
 * (GetExecution, one call); any other id is searched in every job of the service's location (`jobs/-`, newest
 * first, by the record on the task template), at most SEARCH_MAX_PAGES calls. A search that misses remembers
 * how far it read: the next one stops where that began (less LISTING_LAG_MS), so repeated misses, e.g. a poll
 * each tick, read only what was created since. Cloud Run has no filter or index by env, so the reach is bounded
 * too: an execution older than the first search's pages is not found by id (it still is by `list`).
 * An execution this process is launching in another location (its own region or project) is searched there.
 */
export class ExecutionLookup {
  private readonly names = new Map<string, string>();
  /** Locations RunJob was asked to start an execution in, until its name is known. */
  private readonly expected = new Map<string, string>();
  /** Creation time (ms) of the newest execution the last complete search read (service's location): older ones were read then. */
  private searchedFrom: number | undefined;

  constructor(private readonly api: CloudRunApi) {}

  remember(executionId: string, executionName: string): void {
    this.names.delete(executionId);
    this.names.set(executionId, executionName);
    // A long-lived process launches without end: forget the oldest (they stay findable by search).
    if (this.names.size > MAX_REMEMBERED) this.names.delete(this.names.keys().next().value as string);
    this.expected.delete(executionId);
  }

  /**
   * Where a launch is about to start the execution (`projects/P/locations/R`), before it asks: when the answer is
   * lost, the retry's lookup searches that location (an execution with its own region or project), not the service's.
   */
  expect(executionId: string, location: string): void {
    this.expected.set(executionId, location);
    if (this.expected.size > MAX_REMEMBERED) this.expected.delete(this.expected.keys().next().value as string);
  }

  knownName(executionId: string): string | undefined {
    return this.names.get(executionId);
  }

  forget(executionId: string): void {
    this.names.delete(executionId);
    this.expected.delete(executionId);
  }

  /** The execution, or undefined when none carries that id (or it was deleted). */
  async find(executionId: string): Promise<RunExecution | undefined> {
    const known = this.names.get(executionId);
    if (known) {
      const execution = await this.api.getExecution(known);
      if (!execution) this.names.delete(executionId);
      return execution;
    }
    const location = this.expected.get(executionId) ?? this.api.location;
    return location === this.api.location ? this.search(executionId) : this.searchIn(location, executionId);
  }

  /** An execution launched in another location: one bounded search there, no cursor kept. */
  private async searchIn(location: string, executionId: string): Promise<RunExecution | undefined> {
    for await (const page of executionPages(this.api, `${location}/jobs/-`, SEARCH_MAX_PAGES, SEARCH_PAGE_SIZE)) {
      const found = page.find((execution) => recordOfExecution(execution)?.executionId === executionId);
      if (found) {
        this.remember(executionId, found.name as string);
        return found;
      }
    }
    return undefined;
  }

  /** Newest first, remembering every smartjob execution met; a found one ends it early (and leaves searchedFrom). */
  private async search(executionId: string): Promise<RunExecution | undefined> {
    const stopBefore = this.searchedFrom === undefined ? undefined : this.searchedFrom - LISTING_LAG_MS;
    let newest = this.searchedFrom;
    for await (const page of executionPages(this.api, `${this.api.location}/jobs/-`, SEARCH_MAX_PAGES, SEARCH_PAGE_SIZE)) {
      for (const execution of page) {
        const created = dateOf(execution.createTime)?.getTime();
        if (created !== undefined && stopBefore !== undefined && created < stopBefore) {
          this.searchedFrom = newest;
          return undefined;
        }
        if (created !== undefined) newest = Math.max(newest ?? created, created);
        const recorded = recordOfExecution(execution)?.executionId;
        if (recorded !== undefined) this.remember(recorded, execution.name as string);
        if (recorded === executionId) return execution;
      }
    }
    this.searchedFrom = newest;
    return undefined;
  }

  /**
   * The status of an execution; for a failed one, the exit code of its task's last attempt. A native array's
   * final status carries its tasks, from one listing of them (ListTasks, paged).
   */
  async statusOf(execution: RunExecution): Promise<ExecutionStatus | undefined> {
    const state = stateOf(execution);
    if (isArrayExecution(execution)) {
      const status = statusOf(execution, undefined);
      return status && isFinal(state) ? arrayStatusOf(status, execution, await this.api.allTasks(execution.name as string)) : status;
    }
    // A failed one's task gives its exit code, and tells a timeout worded otherwise (singleStatusOf).
    return singleStatusOf(execution, state === 'FAILED' ? await this.api.firstTask(execution.name as string) : undefined);
  }
}
