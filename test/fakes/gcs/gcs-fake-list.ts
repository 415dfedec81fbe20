import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Object names under a bucket directory that start with `prefix`, sorted by UTF-8 bytes as GCS sorts them. */
export async function listNames(base: string, prefix: string): Promise<string[]> {
  // only the directory the prefix points into needs walking
  const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
  if (start.split('/').some((s) => s === '.' || s === '..')) return [];
  const names: string[] = [];
  if (start && (await isDirectory(join(base, start)))) names.push(`${start}/`);
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(base, rel), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw error;
    });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        names.push(`${child}/`);
        await walk(child);
      } else if (entry.isFile()) names.push(child);
    }
  };
  await walk(start);
  return names.filter((n) => n.startsWith(prefix)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Groups names as a delimiter listing does: names with `delimiter` after `prefix` collapse into prefixes. */
export function applyDelimiter(names: readonly string[], prefix: string, delimiter: string | undefined): { name: string; isPrefix: boolean }[] {
  const entries: { name: string; isPrefix: boolean }[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    if (cut < 0) {
      entries.push({ name, isPrefix: false });
      continue;
    }
    const group = name.slice(0, cut + delimiter!.length);
    if (!seen.has(group)) entries.push({ name: group, isPrefix: true });
    seen.add(group);
  }
  return entries;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}
