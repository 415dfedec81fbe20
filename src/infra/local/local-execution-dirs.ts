import { lstat, readdir, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExecutionDirectoryQuery } from '../../domain/ports/storage.port.js';

/** Levels of an execution directory under the staging root: `<namespace>-<name>/<day>/<HHMM>/<id>`. */
export const EXECUTION_DIR_DEPTH = 4;

/** The execution directories under `root` that match `query`, relative and sorted. */
export async function listLocalExecutionDirs(root: string, query: ExecutionDirectoryQuery = {}): Promise<string[]> {
  let level = [''];
  for (let depth = 1; depth <= EXECUTION_DIR_DEPTH; depth++) {
    query.signal?.throwIfAborted();
    const next: string[] = [];
    for (const parent of level) {
      for (const name of await subdirectories(join(root, parent))) {
        if (depth === 1 && !name.startsWith(query.prefix ?? '')) continue;
        if (depth === EXECUTION_DIR_DEPTH && query.executionId !== undefined && name !== query.executionId) continue;
        next.push(parent ? `${parent}/${name}` : name);
      }
    }
    level = next;
  }
  const cutoff = query.modifiedBefore?.getTime();
  if (cutoff === undefined) return level.sort();
  const old: string[] = [];
  for (const dir of level) if (!(await modifiedSince(join(root, dir), cutoff))) old.push(dir);
  return old.sort();
}

/** Removes the now-empty directories from `path`'s parent up to (not including) `root`. */
export async function removeEmptyAncestors(root: string, path: string): Promise<void> {
  for (let dir = dirname(join(root, path)); dir.startsWith(`${root}/`); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return; // still holds other executions
      if (code !== 'ENOENT') throw error;
    }
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw error;
  }
}

/** True when `path` or anything under it was modified at or after `cutoffMs`; stops at the first such entry. */
async function modifiedSince(path: string, cutoffMs: number): Promise<boolean> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // removed meanwhile
    throw error;
  }
  if (info.mtimeMs >= cutoffMs) return true;
  if (!info.isDirectory()) return false;
  for (const entry of await readdir(path).catch(() => [])) {
    if (await modifiedSince(join(path, entry), cutoffMs)) return true;
  }
  return false;
}
