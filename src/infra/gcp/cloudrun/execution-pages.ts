import type { CloudRunApi, RunExecution } from './cloudrun-api.js';

/**
 * The pages of ListExecutions on `parent` (a job, or `<location>/jobs/-` for every job of a location), newest
 * first, one call each and at most `maxPages` calls: Cloud Run has no filter on executions, so a caller that
 * must stay within a known cost caps the pages instead. The caller may stop earlier.
 */
export async function* executionPages(api: CloudRunApi, parent: string, maxPages: number, pageSize?: number): AsyncIterable<readonly RunExecution[]> {
  let pageToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await api.listExecutionsPage(parent, pageSize, pageToken);
    yield answer.executions;
    if (!answer.nextPageToken) return;
    pageToken = answer.nextPageToken;
  }
}
