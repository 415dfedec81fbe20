import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** CRC32C (Castagnoli), slicing-by-8 tables: the client validates every upload and download against it. */
const TABLES = buildTables();

function buildTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t0[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t0[n]!;
    for (let t = 1; t < 8; t++) {
      c = (t0[c & 0xff]! ^ (c >>> 8)) >>> 0;
      tables[t]![n] = c;
    }
  }
  return tables;
}

/** Continues a CRC32C over `data` (start from 0). */
export function crc32cUpdate(crc: number, data: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c = t7[a & 0xff]! ^ t6[(a >>> 8) & 0xff]! ^ t5[(a >>> 16) & 0xff]! ^ t4[a >>> 24]! ^ t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Hashes as GCS reports them: base64 of the big-endian CRC32C and of the MD5 digest. */
export interface ObjectHashes {
  readonly crc32c: string;
  readonly md5Hash: string;
}

/** Incremental MD5 + CRC32C; `snapshot()`/`restore()` undo a chunk that failed half-way. */
export class ObjectHasher {
  private crc = 0;
  private md5: Hash = createHash('md5');

  update(data: Uint8Array): void {
    this.crc = crc32cUpdate(this.crc, data);
    this.md5.update(data);
  }

  snapshot(): { crc: number; md5: Hash } {
    return { crc: this.crc, md5: this.md5.copy() };
  }

  restore(state: { crc: number; md5: Hash }): void {
    this.crc = state.crc;
    this.md5 = state.md5;
  }

  digest(): ObjectHashes {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(this.crc);
    return { crc32c: crc.toString('base64'), md5Hash: this.md5.digest('base64') };
  }
}

export const EMPTY_HASHES: ObjectHashes = new ObjectHasher().digest();

/** Hashes a file on disk, streaming it. */
export async function hashFile(path: string): Promise<ObjectHashes> {
  const hasher = new ObjectHasher();
  for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  return hasher.digest();
}
