import { createHash, randomFillSync } from 'node:crypto';
import { open, stat, statfs } from 'node:fs/promises';
import { MiB } from './stats.js';

/**
 * Writes `bytes` of real (not sparse), incompressible data and returns its MD5. One random 1 MiB block is
 * reused with a per-block counter stamped in, so generation costs little CPU and no two blocks are equal.
 */
export async function writeBigFile(path: string, bytes: number, signal?: AbortSignal): Promise<string> {
  const block = randomFillSync(Buffer.alloc(MiB));
  const hash = createHash('md5');
  const file = await open(path, 'w');
  try {
    for (let offset = 0, i = 0; offset < bytes; offset += MiB, i += 1) {
      if (i % 64 === 0) signal?.throwIfAborted();
      block.writeUInt32BE(i, 0);
      const chunk = bytes - offset >= MiB ? block : block.subarray(0, bytes - offset);
      hash.update(chunk);
      await file.write(chunk, 0, chunk.length, offset);
    }
  } finally {
    await file.close();
  }
  const { blocks, size } = await stat(path);
  if (size !== bytes || blocks * 512 < bytes) throw new Error(`${path} is sparse or short (${size} bytes, ${blocks} blocks)`);
  return hash.digest('hex');
}

export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * How long the file took to write, from the filesystem's own clock: birth time (open with O_CREAT) to last
 * modification (last write). Works for a copy made by any process, with no instrumentation; coarse (~4 ms).
 */
export async function writeSpanMs(path: string): Promise<number> {
  const s = await stat(path);
  return s.mtimeMs - s.birthtimeMs;
}
