import type { Bucket } from '@google-cloud/storage';
import type { ExecutionDirectoryQuery } from '../../../domain/ports/storage.port.js';
import type { DirectoryMarkers } from './gcs-markers.js';

const DEPTH = 4; // <namespace>-<name>/<YYYY-MM-DD>/<HHMM>/<id>
const PAGE = 1000;
/** Clocks of other hosts may lag: a date/time directory is over only this long after its end. */
const CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * Execution directories under `base` ('' or 'prefix/') matching `query`, from one paginated listing of their
 * objects; a directory's age is that of its newest object (markers included).
 */
export async function listGcsExecutionDirs(bucket: Bucket, base: string, query: ExecutionDirectoryQuery = {}): Promise<string[]> {
  const newest = new Map<string, number>();
  let pageToken: string | undefined;
  do {
    query.signal?.throwIfAborted();
    const [files, next] = await bucket.getFiles({ prefix: `${base}${query.prefix ?? ''}`, autoPaginate: false, maxResults: PAGE, pageToken });
    for (const file of files) {
      const segments = file.name.slice(base.length).split('/');
      // 'a/b/c/id/' (its marker) or 'a/b/c/id/…'; an object four levels deep is a file, not an execution
      if (segments.length <= DEPTH || segments.slice(0, DEPTH).some((s) => s === '')) continue;
      if (query.executionId !== undefined && segments[DEPTH - 1] !== query.executionId) continue;
      const dir = segments.slice(0, DEPTH).join('/');
      const updated = Date.parse(String(file.metadata.updated ?? '')) || 0;
      newest.set(dir, Math.max(newest.get(dir) ?? 0, updated));
    }
    pageToken = (next as { pageToken?: string } | null)?.pageToken;
  } while (pageToken);
  const cutoff = query.modifiedBefore?.getTime() ?? Infinity;
  return [...newest].filter(([, updated]) => updated < cutoff).map(([dir]) => dir).sort();
}

/**
 * Deletes the markers of `path`'s date and time directories once they hold nothing. Only those whose time is
 * over: another process caches the markers it wrote (DirectoryMarkers) and would not write a deleted one again,
 * but it never stages into a past minute or day. The `<namespace>-<name>` marker always stays, for that reason.
 */
export async function removeEmptyPastAncestors(bucket: Bucket, base: string, path: string, markers: DirectoryMarkers, now = Date.now()): Promise<void> {
  const segments = path.split('/');
  for (const depth of [3, 2]) {
    if (segments.length <= depth) continue;
    const relative = segments.slice(0, depth).join('/');
    const end = endOf(segments.slice(1, depth));
    if (end === undefined || end + CLOCK_MARGIN_MS > now) return;
    const marker = `${base}${relative}/`;
    const [files] = await bucket.getFiles({ prefix: marker, maxResults: 2, autoPaginate: false });
    if (files.some((file) => file.name !== marker)) return; // still holds other executions
    markers.forget(`${base}${relative}`);
    if (files.length > 0) await bucket.file(marker).delete({ ignoreNotFound: true });
  }
}

/** End of a `[YYYY-MM-DD]` day or a `[YYYY-MM-DD, HHMM]` minute (UTC), in ms; undefined for other names. */
function endOf([day, hhmm]: string[]): number | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!date) return undefined;
  const start = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  if (hhmm === undefined) return start + 86_400_000;
  const time = /^(\d{2})(\d{2})$/.exec(hhmm);
  return time ? start + (Number(time[1]) * 60 + Number(time[2]) + 1) * 60_000 : undefined;
}
