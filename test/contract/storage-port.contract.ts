import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { NotFoundError, StorageError, ValidationError } from '../../src/domain/errors.js';
import type { StoragePort } from '../../src/domain/ports/storage.port.js';

/** One adapter under test, with what the suite needs around it. */
export interface StorageContractSubject {
  readonly storage: StoragePort;
  /** `location('a/b.txt')` must be this followed by 'a/b.txt'. */
  readonly locationPrefix: string;
  /** Stores an object in the GCS fake and returns its `gs://` URI (the source of copyFromGcs). */
  putGcsObject(name: string, data: Uint8Array): Promise<string>;
  /** Whether the backing store still has `path` as a directory (a marker, for GCS). */
  directoryExists(path: string): Promise<boolean>;
  dispose(): Promise<void>;
}

const MIB = 1024 * 1024;
const text = (s: string) => new TextEncoder().encode(s);
const asText = (data: Uint8Array | undefined) => (data === undefined ? undefined : Buffer.from(data).toString('utf8'));
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The behaviour every StoragePort adapter shares; `create` runs once, before the first test. */
export function storagePortContract(name: string, create: () => Promise<StorageContractSubject>): void {
  describe(`StoragePort contract: ${name}`, () => {
    let subject: StorageContractSubject;
    let storage: StoragePort;
    let tmp: string;
    let counter = 0;
    /** A fresh directory per test, so tests never see each other's objects. */
    const fresh = () => `case-${++counter}`;

    before(async () => {
      subject = await create();
      storage = subject.storage;
      tmp = await mkdtemp(join(tmpdir(), 'storage-contract-'));
    });
    after(async () => {
      await subject?.dispose();
      await rm(tmp, { recursive: true, force: true });
    });

    it('writes bytes, reads them back, and replaces them on a second write', async () => {
      const dir = fresh();
      await storage.writeBytes(`${dir}/a.json`, text('{"ok":true}'));
      assert.equal(asText(await storage.read(`${dir}/a.json`)), '{"ok":true}');
      await storage.writeBytes(`${dir}/a.json`, text('second'));
      assert.equal(asText(await storage.read(`${dir}/a.json`)), 'second');
      await storage.writeBytes(`${dir}/empty`, new Uint8Array(0));
      assert.equal((await storage.read(`${dir}/empty`))?.length, 0);
    });

    it('streams a 64 MiB local file and reads it back intact', async () => {
      const dir = fresh();
      const local = join(tmp, 'big.bin');
      const digest = await writeRandomFile(local, 64 * MIB);
      await storage.writeFile(`${dir}/big.bin`, local);
      const back = await storage.read(`${dir}/big.bin`);
      assert.equal(back?.length, 64 * MIB);
      assert.equal(sha256(back!), digest);
    });

    it('reads an absent object as undefined', async () => {
      const dir = fresh();
      assert.equal(await storage.read(`${dir}/missing.json`), undefined);
      assert.equal(await storage.read(`${dir}/no/such/dir/missing.json`), undefined);
    });

    it('refuses to read a directory as a file, saying it is a directory', async () => {
      const dir = fresh();
      await storage.createDirectory(`${dir}/out/smartjob.json`);
      await storage.writeBytes(`${dir}/out/smartjob.json/inner.txt`, text('x'));
      await assert.rejects(storage.read(`${dir}/out/smartjob.json`), (error: unknown) => error instanceof StorageError && /directory/.test(error.message));
    });

    it('copies a gs:// object, and refuses a missing one with NotFoundError writing nothing', async () => {
      const dir = fresh();
      const data = randomBytes(300_000);
      const uri = await subject.putGcsObject(`inputs/${dir}/data set ü.bin`, data);
      await storage.copyFromGcs(`${dir}/copy.bin`, uri);
      assert.equal(sha256((await storage.read(`${dir}/copy.bin`))!), sha256(data));
      const missing = uri.replace(/[^/]+$/, 'absent.bin');
      await assert.rejects(storage.copyFromGcs(`${dir}/absent.bin`, missing), NotFoundError);
      assert.equal(await storage.read(`${dir}/absent.bin`), undefined);
    });

    it('refuses to replace an existing object when ifAbsent, for every kind of write', async () => {
      const dir = fresh();
      const local = join(tmp, `local-${dir}.txt`);
      await writeFile(local, 'from a file');
      const uri = await subject.putGcsObject(`inputs/${dir}/src.txt`, text('from gcs'));
      await storage.writeBytes(`${dir}/once.txt`, text('original'), { ifAbsent: true });
      const exists = (error: unknown) => error instanceof StorageError && /already exists/.test(error.message);
      await assert.rejects(storage.writeBytes(`${dir}/once.txt`, text('replaced'), { ifAbsent: true }), exists);
      await assert.rejects(storage.writeFile(`${dir}/once.txt`, local, { ifAbsent: true }), exists);
      await assert.rejects(storage.copyFromGcs(`${dir}/once.txt`, uri, { ifAbsent: true }), exists);
      assert.equal(asText(await storage.read(`${dir}/once.txt`)), 'original');
    });

    it('keeps names with spaces and unicode', async () => {
      const dir = fresh();
      const path = `${dir}/dir with space/naïve 名前 ü €.txt`;
      await storage.createDirectory(`${dir}/dir with space`);
      await storage.writeBytes(path, text('unicode ✓'));
      assert.equal(asText(await storage.read(path)), 'unicode ✓');
      assert.equal(storage.location(path).startsWith(subject.locationPrefix), true);
    });

    it("refuses '.', '..', absolute and empty-segment paths with a ValidationError naming `path`", async () => {
      const dir = fresh();
      const bad = ['../escape.txt', `${dir}/../../escape.txt`, `./${dir}/a`, '/etc/passwd', `${dir}//a`, ''];
      const local = join(tmp, 'small.txt');
      await writeFile(local, 'x');
      const uri = await subject.putGcsObject(`inputs/${dir}/x.txt`, text('x'));
      for (const path of bad) {
        const isPathError = (error: unknown) => error instanceof ValidationError && error.field === 'path';
        assert.throws(() => storage.location(path), isPathError);
        await assert.rejects(async () => storage.writeBytes(path, text('x')), isPathError, path);
        await assert.rejects(async () => storage.writeFile(path, local), isPathError, path);
        await assert.rejects(async () => storage.copyFromGcs(path, uri), isPathError, path);
        await assert.rejects(async () => storage.createDirectory(path), isPathError, path);
        await assert.rejects(async () => storage.read(path), isPathError, path);
        await assert.rejects(async () => storage.remove(path), isPathError, path);
      }
      assert.equal(await storage.read('escape.txt'), undefined);
    });

    it('removes a whole tree and nothing beside it; removing an absent path is fine', async () => {
      const dir = fresh();
      await storage.createDirectory(`${dir}/tree/input`);
      await storage.createDirectory(`${dir}/tree/output/empty`);
      await storage.writeBytes(`${dir}/tree/input/a.txt`, text('a'));
      await storage.writeBytes(`${dir}/tree/output/deep/b.txt`, text('b'));
      await storage.writeBytes(`${dir}/tree-sibling.txt`, text('keep'));
      await storage.writeBytes(`${dir}/tree2/c.txt`, text('keep too'));
      await storage.remove(`${dir}/tree`);
      assert.equal(await storage.read(`${dir}/tree/input/a.txt`), undefined);
      assert.equal(await storage.read(`${dir}/tree/output/deep/b.txt`), undefined);
      assert.equal(asText(await storage.read(`${dir}/tree-sibling.txt`)), 'keep');
      assert.equal(asText(await storage.read(`${dir}/tree2/c.txt`)), 'keep too');
      await storage.remove(`${dir}/tree`);
      await storage.remove(`${dir}/never/existed`);
    });

    it('creates directories idempotently and writes files into them', async () => {
      const dir = fresh();
      await storage.createDirectory(`${dir}/out`);
      await storage.createDirectory(`${dir}/out`);
      await storage.writeBytes(`${dir}/out/smartjob.json`, text('{"n":1}'));
      assert.deepEqual(JSON.parse(asText(await storage.read(`${dir}/out/smartjob.json`))!), { n: 1 });
    });

    it('rejects a write whose signal is already aborted and leaves nothing', async () => {
      const dir = fresh();
      const controller = new AbortController();
      controller.abort(new Error('caller gave up'));
      await assert.rejects(storage.writeBytes(`${dir}/aborted.txt`, text('x'), { signal: controller.signal }));
      assert.equal(await storage.read(`${dir}/aborted.txt`), undefined);
    });

    it('streams a 16 MiB write in pieces and reads it back as a stream', async () => {
      const dir = fresh();
      const hash = createHash('sha256');
      async function* pieces() {
        for (let i = 0; i < 16; i++) {
          const piece = randomBytes(MIB);
          hash.update(piece);
          yield piece;
        }
      }
      await storage.writeStream(`${dir}/logs.jsonl`, pieces());
      const expected = hash.digest('hex');
      const back = createHash('sha256');
      let size = 0;
      for await (const chunk of (await storage.readStream(`${dir}/logs.jsonl`))!) {
        back.update(chunk);
        size += chunk.byteLength;
      }
      assert.equal(size, 16 * MIB);
      assert.equal(back.digest('hex'), expected);
      assert.equal(await storage.readStream(`${dir}/absent.jsonl`), undefined);
      await storage.createDirectory(`${dir}/a-dir`);
      await storage.writeBytes(`${dir}/a-dir/x`, text('x'));
      await assert.rejects(storage.readStream(`${dir}/a-dir`), (error: unknown) => error instanceof StorageError && /directory/.test(error.message));
    });

    it('read with maxBytes: an object up to the limit comes back, a larger one is a StorageError naming the limit (not retryable)', async () => {
      const dir = fresh();
      await storage.writeBytes(`${dir}/small.json`, text('{"a":1}'));
      await storage.writeBytes(`${dir}/big.json`, new Uint8Array(2 * MIB + 1));
      assert.equal(asText(await storage.read(`${dir}/small.json`, { maxBytes: 7 })), '{"a":1}');
      await assert.rejects(storage.read(`${dir}/big.json`, { maxBytes: 2 * MIB }), (error: unknown) =>
        error instanceof StorageError && !error.retryable && error.message.includes(`${2 * MIB}-byte limit`));
      assert.equal(await storage.read(`${dir}/absent.json`, { maxBytes: 1 }), undefined);
    });

    it('lists execution directories four levels deep, by prefix, by id and by age of their newest entry', async () => {
      const ns = `${fresh()}x`;
      const [a1, a2, b1] = [`${ns}-a/2020-01-01/0000/id1`, `${ns}-a/2020-01-01/0001/id2`, `${ns}-b/2020-01-02/2359/id3`];
      await storage.writeBytes(`${a1}/output/smartjob.json`, text('{}'));
      await storage.createDirectory(`${a2}/input`);
      await storage.writeBytes(`${b1}/input/in.txt`, text('in'));
      await storage.writeBytes(`${ns}-a/2020-01-01/0000/a-file`, text('not an execution'));
      const mine = async (query = {}) => (await storage.listExecutionDirectories(query)).filter((d) => d.startsWith(`${ns}-`));
      assert.deepEqual(await mine(), [a1, a2, b1]);
      assert.deepEqual(await mine({ prefix: `${ns}-a` }), [a1, a2]);
      assert.deepEqual(await storage.listExecutionDirectories({ prefix: `${ns}-`, executionId: 'id2' }), [a2]);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the volume adapter sees mtimes in whole seconds
      const cutoff = new Date();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await storage.writeBytes(`${a1}/output/late.txt`, text('written after the cutoff'));
      assert.deepEqual(await mine({ modifiedBefore: cutoff }), [a2, b1]);
      assert.deepEqual(await mine({ modifiedBefore: new Date(Date.now() + 60_000) }), [a1, a2, b1]);
      assert.deepEqual(await mine({ modifiedBefore: new Date(Date.now() - 3_600_000) }), []);
    });

    it('removes the date and time directories a removal leaves empty, and no others', async () => {
      const ns = `${fresh()}p-job`;
      const [first, second, other] = [`${ns}/2020-01-01/0000/id1`, `${ns}/2020-01-01/0000/id2`, `${ns}/2020-01-01/0001/id3`];
      for (const dir of [first, second, other]) {
        await storage.createDirectory(`${dir}/output`);
        await storage.writeBytes(`${dir}/output/smartjob.json`, text('{}'));
      }
      await storage.remove(first);
      assert.equal(await subject.directoryExists(`${ns}/2020-01-01/0000`), true, 'holds id2');
      await storage.remove(second);
      assert.equal(await subject.directoryExists(`${ns}/2020-01-01/0000`), false, 'left empty');
      assert.equal(await subject.directoryExists(`${ns}/2020-01-01`), true, 'holds 0001');
      await storage.remove(other);
      assert.equal(await subject.directoryExists(`${ns}/2020-01-01`), false);
      assert.deepEqual(await storage.listExecutionDirectories({ prefix: ns }), []);
    });

    it('tells where a path is', () => {
      assert.equal(subject.storage.location('a/b.txt'), `${subject.locationPrefix}a/b.txt`);
    });
  });
}

/** Writes `size` random bytes in 1 MiB pieces (never all in memory) and returns their sha256. */
async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += MIB) {
    const piece = randomBytes(Math.min(MIB, size - written));
    hash.update(piece);
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  return hash.digest('hex');
}
