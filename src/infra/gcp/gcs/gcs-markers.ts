import type { Bucket } from '@google-cloud/storage';
import { gcsStatus } from './gcs-errors.js';

/**
 * Directory markers (`a/`, `a/b/`, …): a Cloud Storage FUSE mount without implicit directories shows a
 * directory only when its marker exists. GCS allows about one write per second to one object name, and every
 * execution shares its ancestors (`prefix/`, `ns-job/`, the date…), so a marker is written only when absent
 * (ifGenerationMatch 0; 412 means it is there) and only once per process.
 */
export class DirectoryMarkers {
  /** Markers written or being written; concurrent callers share one request per marker. */
  private readonly known = new Map<string, Promise<void>>();

  /** Makes the marker of `name` and of each of its ancestors exist. */
  async ensure(bucket: Bucket, name: string): Promise<void> {
    await Promise.all(markerNames(name).map((marker) => {
      let written = this.known.get(marker);
      if (!written) {
        written = writeIfAbsent(bucket, marker).catch((error: unknown) => {
          this.known.delete(marker); // the next caller tries again
          throw error;
        });
        this.known.set(marker, written);
      }
      return written;
    }));
  }

  /** Forgets the markers at and under `name` (they are being deleted). */
  forget(name: string): void {
    for (const marker of this.known.keys()) if (marker.startsWith(`${name}/`)) this.known.delete(marker);
  }
}

async function writeIfAbsent(bucket: Bucket, marker: string): Promise<void> {
  try {
    await bucket.file(marker).save(Buffer.alloc(0), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
  } catch (error) {
    if (gcsStatus(error) !== 412) throw error; // 412: the marker is already there
  }
}

/** Names of the directory markers of `name` and of each of its ancestors: 'a/', 'a/b/', … */
export function markerNames(name: string): string[] {
  const segments = name.split('/');
  return segments.map((_, i) => `${segments.slice(0, i + 1).join('/')}/`);
}
