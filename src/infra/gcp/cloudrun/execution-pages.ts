import type { CloudRunApi, RunExecution } from './cloudrun-api.js';

/**
 * The pages of ListExecutions on `parent` (a job, or `<location>/jobs/-` for every job of a location), newest
 * first, one call each and at most `maxPages` calls: Cloud Run has no filter on executions, so a caller that
 * must stay within a known cost caps the pages instead. The caller may stop earlier.
 */
export async function* executionPages(api: CloudRunApi, parent: string, maxPages: number, pageSize?: number): AsyncIterable<readonly RunExecution[]> {
  let read = 0;
  for await (const page of api.listExecutionPages(parent, pageSize)) {
    yield page;
    if (++read >= maxPages) return;
  }
}
