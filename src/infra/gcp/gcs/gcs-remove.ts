import type { Bucket } from '@google-cloud/storage';
import { forEachLimited } from './gcs-streams.js';

const PARALLEL_DELETES = 16;

/**
 * Deletes the object `name` and every object under `name/`. Plain objects go first, then directory markers
 * from the deepest up, so a mounted view (Cloud Storage FUSE) never sees a child without its directory.
 */
export async function deleteTree(bucket: Bucket, name: string): Promise<void> {
  const [files] = await bucket.getFiles({ prefix: `${name}/`, autoPaginate: true });
  const names = [name, ...files.map((file) => file.name)];
  const objects = names.filter((n) => !n.endsWith('/'));
  const markers = names.filter((n) => n.endsWith('/')).sort((a, b) => depth(b) - depth(a));
  const remove = async (n: string) => { await bucket.file(n).delete({ ignoreNotFound: true }); };
  await forEachLimited(objects, PARALLEL_DELETES, remove);
  for (const marker of markers) await remove(marker);
}

/** Names of the directory markers of `name` and of each of its ancestors: 'a/', 'a/b/', … */
export function markerNames(name: string): string[] {
  const segments = name.split('/');
  return segments.map((_, i) => `${segments.slice(0, i + 1).join('/')}/`);
}

function depth(name: string): number {
  return name.split('/').length;
}
