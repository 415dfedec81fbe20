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

function depth(name: string): number {
  return name.split('/').length;
}
