import type { ExecutionDirectoryQuery } from '../../domain/ports/storage.port.js';
import { STAGING_MOUNT } from './docker-options.js';
import { runInVolume, type HelperSettings } from './docker-volume-helper.js';

const DEPTH = 4; // <namespace>-<name>/<day>/<HHMM>/<id>

/**
 * The execution directories of the volume matching `query`, found by `find` in a helper container. With
 * `modifiedBefore`, every entry below depth 4 is listed with its mtime and type (`stat -c '%Y %F|%n'`): a
 * directory is old when its newest entry is.
 */
export async function listExecutionDirsInVolume(settings: HelperSettings, query: ExecutionDirectoryQuery = {}): Promise<string[]> {
  const timed = query.modifiedBefore !== undefined;
  const cmd = timed
    ? ['find', STAGING_MOUNT, '-mindepth', String(DEPTH), '-exec', 'stat', '-c', '%Y %F|%n', '{}', '+']
    : ['find', STAGING_MOUNT, '-mindepth', String(DEPTH), '-maxdepth', String(DEPTH), '-type', 'd'];
  const newest = new Map<string, number>();
  await runInVolume(settings, cmd, `list the executions of docker-volume://${settings.volumeName}`, (line) => {
    const entry = timed ? parseStat(line) : { seconds: 0, isDirectory: true, path: line };
    if (!entry) return;
    const dir = executionDirOf(entry.path);
    if (dir === undefined || !matches(dir, query)) return;
    if (entry.path === `${STAGING_MOUNT}/${dir}` && !entry.isDirectory) return; // a file four levels deep is no execution
    newest.set(dir, Math.max(newest.get(dir) ?? 0, entry.seconds));
  });
  const cutoff = query.modifiedBefore ? query.modifiedBefore.getTime() / 1000 : Infinity;
  return [...newest].filter(([, seconds]) => seconds < cutoff).map(([dir]) => dir).sort();
}

/** `1796288550 directory|/staging/a/b/c/d` */
function parseStat(line: string): { seconds: number; isDirectory: boolean; path: string } | undefined {
  const match = /^(\d+) ([^|]+)\|(.*)$/.exec(line);
  return match ? { seconds: Number(match[1]), isDirectory: match[2] === 'directory', path: match[3]! } : undefined;
}

/** `/staging/a/b/c/d/...` → `a/b/c/d`; undefined for anything else (a line of an odd file name). */
function executionDirOf(path: string): string | undefined {
  if (!path.startsWith(`${STAGING_MOUNT}/`)) return undefined;
  const segments = path.slice(STAGING_MOUNT.length + 1).split('/');
  if (segments.length < DEPTH || segments.slice(0, DEPTH).some((s) => s === '')) return undefined;
  return segments.slice(0, DEPTH).join('/');
}

function matches(dir: string, query: ExecutionDirectoryQuery): boolean {
  const segments = dir.split('/');
  if (!segments[0]!.startsWith(query.prefix ?? '')) return false;
  return query.executionId === undefined || segments[DEPTH - 1] === query.executionId;
}
