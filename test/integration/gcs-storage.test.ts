import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Storage } from '@google-cloud/storage';
import { ConfigurationError, NotFoundError, PermissionDeniedError, StorageError, ValidationError } from '../../src/domain/errors.js';
import { GcsStorageAdapter } from '../../src/infra/gcp/gcs/gcs-storage.adapter.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';

const CHUNK = 256 * 1024;
/** Works on fault matches and on log entries alike. */
type Request = { readonly method: string; readonly path: string };
const isUploadStart = (r: Request) => r.method === 'POST' && r.path.startsWith('/upload/');
const isChunk = (r: Request) => r.method === 'PUT';
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

describe('GcsStorageAdapter against the wire-level fake', () => {
  let fake: GcsFake;
  let tmp: string;
  let storage: GcsStorageAdapter;
  let client: Storage;
  let localFile: string;
  let localData: Buffer;

  before(async () => {
    fake = await startGcsFake();
    fake.bucketDir('staging');
    tmp = await mkdtemp(join(tmpdir(), 'gcs-it-'));
    localData = randomBytes(5 * CHUNK + 1234); // six chunks, the last one short
    localFile = join(tmp, 'upload.bin');
    await writeFile(localFile, localData);
    storage = new GcsStorageAdapter({ stagingBucket: 'gs://staging/runs', apiEndpoint: fake.endpoint, projectId: 'it', maxRetries: 3, maxRetryDelaySeconds: 1, chunkSizeBytes: CHUNK });
    const { Storage } = await import('@google-cloud/storage');
    client = new Storage({ apiEndpoint: fake.endpoint, projectId: 'it', retryOptions: { autoRetry: false } });
  });
  after(async () => {
    await fake?.close();
    await rm(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.clearFaults();
    fake.clearRequests();
  });

  it('retries a transient 503 on a multipart upload and stores the object once', async () => {
    fake.failNext({ status: 503, match: isUploadStart });
    await storage.writeBytes('retry/small.json', text('{"a":1}'));
    assert.deepEqual(fake.requests.filter(isUploadStart).map((r) => r.status), [503, 200]);
    assert.equal(Buffer.from((await storage.read('retry/small.json'))!).toString(), '{"a":1}');
  });

  it('retries a transient 503 when a resumable session starts', async () => {
    fake.failNext({ status: 503, match: isUploadStart });
    await storage.writeFile('retry/session.bin', localFile);
    assert.deepEqual(fake.requests.filter(isUploadStart).map((r) => r.status), [503, 200]);
    assert.equal(sha256((await storage.read('retry/session.bin'))!), sha256(localData));
  });

  it('resends a chunk that got a 503 and finalises the object exactly once, intact', async () => {
    let puts = 0;
    fake.failNext({ status: 503, match: (r) => isChunk(r) && ++puts === 3 });
    await storage.writeFile('retry/chunks.bin', localFile);
    const statuses = fake.requests.filter((r) => r.method === 'PUT').map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 503).length, 1);
    assert.equal(statuses.filter((s) => s === 200).length, 1, `one finalisation, got ${statuses.join(',')}`);
    assert.equal(fake.requests.filter(isUploadStart).length, 1, 'the same session went on');
    assert.equal(sha256((await storage.read('retry/chunks.bin'))!), sha256(localData));
  });

  it('stops an upload when its signal aborts mid-way, rejecting with the reason and storing nothing', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    let puts = 0;
    // the fault never fires: its match only watches for the second chunk to abort then
    fake.failNext({ status: 500, match: (r) => { if (isChunk(r) && ++puts === 2) controller.abort(reason); return false; } });
    await assert.rejects(storage.writeFile('aborted/big.bin', localFile, { signal: controller.signal }), (e) => e === reason);
    assert.equal(await storage.read('aborted/big.bin'), undefined);
    assert.ok(fake.requests.filter(isChunk).length < 6, 'not every chunk was sent');
  });

  it('does not retry a 403: PermissionDeniedError after one request, for every upload kind', async () => {
    fake.failNext({ status: 403, match: isUploadStart });
    await assert.rejects(storage.writeBytes('denied/a.txt', text('x')), PermissionDeniedError);
    assert.equal(fake.requests.length, 1);
    fake.failNext({ status: 403, match: isUploadStart });
    await assert.rejects(storage.writeFile('denied/b.bin', localFile), (e) => e instanceof PermissionDeniedError && /storage\.objects\.create/.test(e.message));
    assert.equal(fake.requests.length, 2);
    fake.failNext({ status: 403, match: isChunk });
    await assert.rejects(storage.writeFile('denied/c.bin', localFile), PermissionDeniedError);
    assert.deepEqual(fake.requests.map((r) => r.status), [403, 403, 200, 403]);
    assert.equal(await storage.read('denied/c.bin'), undefined);
  });

  it('reads: 403 is PermissionDeniedError, lasting 503 a retryable StorageError, a missing bucket NotFoundError', async () => {
    await storage.writeBytes('reads/x.txt', text('x'));
    fake.failNext({ status: 403, match: (r) => r.method === 'GET' });
    await assert.rejects(storage.read('reads/x.txt'), PermissionDeniedError);
    fake.failNext({ status: 503, count: 10, match: (r) => r.method === 'GET' });
    await assert.rejects(storage.read('reads/x.txt'), (e) => e instanceof StorageError && e.retryable === true);
    assert.equal(fake.requests.filter((r) => r.method === 'GET' && r.status === 503).length, 4, 'first try + maxRetries 3');
    fake.clearFaults();
    const elsewhere = new GcsStorageAdapter({ stagingBucket: 'gs://no-such-bucket', apiEndpoint: fake.endpoint, projectId: 'it' });
    await assert.rejects(elsewhere.read('x.txt'), NotFoundError);
  });

  it('sees the three 412 shapes of an existing object and turns each into "already exists"', async () => {
    await storage.writeBytes('exists/a.txt', text('original'));
    const file = client.bucket('staging').file('runs/exists/a.txt');
    const multipart = await file.save('x', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }).catch((e: unknown) => e);
    assert.equal((multipart as { code?: unknown }).code, 412, 'multipart: ApiError.code');
    const resumable = await file.save('x', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }).catch((e: unknown) => e);
    assert.equal((resumable as { status?: unknown }).status, 412, 'resumable start: GaxiosError.status');
    fake.failNext({ status: 412, match: isChunk });
    const finalise = await client.bucket('staging').file('runs/exists/new.txt').save('x', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }).catch((e: unknown) => e);
    assert.equal(finalise instanceof Error, false, 'resumable PUT: the plain error body');
    assert.equal((finalise as { code?: unknown }).code, 412);

    const exists = (e: unknown) => e instanceof StorageError && e.message === 'gs://staging/runs/exists/a.txt already exists';
    await assert.rejects(storage.writeBytes('exists/a.txt', text('x'), { ifAbsent: true }), exists);
    await assert.rejects(storage.writeFile('exists/a.txt', localFile, { ifAbsent: true }), exists);
    fake.failNext({ status: 412, match: isChunk });
    await assert.rejects(storage.writeFile('exists/b.bin', localFile, { ifAbsent: true }), /exists\/b\.bin already exists/);
    assert.equal(Buffer.from((await storage.read('exists/a.txt'))!).toString(), 'original');
  });

  it('copies server-side (rewriteTo): no byte goes through this process', async () => {
    await storage.writeBytes('copy/source.bin', localData);
    fake.clearRequests();
    await storage.copyFromGcs('copy/target.bin', 'gs://staging/runs/copy/source.bin');
    assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), ['POST /storage/v1/b/staging/o/runs%2Fcopy%2Fsource.bin/rewriteTo/b/staging/o/runs%2Fcopy%2Ftarget.bin']);
    assert.equal(sha256((await storage.read('copy/target.bin'))!), sha256(localData));
  });

  it('creates directory markers for the directory and its ancestors, each written once, seen as directories', async () => {
    await storage.createDirectory('ns-job/2024-01-01/1200/id/output');
    assert.equal(fake.requests.filter(isUploadStart).length, 6, 'runs/ … output/');
    fake.clearRequests();
    await Promise.all([storage.createDirectory('ns-job/2024-01-01/1200/id/input'), storage.createDirectory('ns-job/2024-01-01/1200/id/input')]);
    assert.deepEqual(fake.requests.map((r) => `${r.method} ${new URLSearchParams(r.query).get('name')}`), ['POST runs/ns-job/2024-01-01/1200/id/input/'], 'shared ancestors are not written again');
    assert.equal((await stat(join(fake.bucketDir('staging'), 'runs/ns-job/2024-01-01/1200/id/output'))).isDirectory(), true);
    const [, , listing] = await client.bucket('staging').getFiles({ prefix: 'runs/ns-job/', delimiter: '/', autoPaginate: false });
    assert.deepEqual((listing as { items?: { name: string }[] }).items?.map((i) => i.name), ['runs/ns-job/']);
    const [markers] = await client.bucket('staging').getFiles({ prefix: 'runs/ns-job/2024-01-01/1200/id/' });
    assert.deepEqual(markers.map((f) => f.name), ['runs/ns-job/2024-01-01/1200/id/', 'runs/ns-job/2024-01-01/1200/id/input/', 'runs/ns-job/2024-01-01/1200/id/output/']);
  });

  it('fake: hashes as GCS does, follows files changed on disk, lists with delimiter and pages', async () => {
    const bucket = client.bucket('staging');
    await bucket.file('fidelity/data.txt').save('data', { resumable: false });
    const [metadata] = await bucket.file('fidelity/data.txt').getMetadata();
    assert.equal(metadata.crc32c, 'rth90Q==');
    assert.equal(metadata.md5Hash, createHash('md5').update('data').digest('base64'));
    // a job writing through a mounted bucket changes the file behind the fake's back
    await writeFile(join(fake.bucketDir('staging'), 'fidelity/data.txt'), 'changed by a container');
    const [downloaded] = await bucket.file('fidelity/data.txt').download(); // the client validates crc32c
    assert.equal(downloaded.toString(), 'changed by a container');
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'sub/d.txt']) await bucket.file(`fidelity/list/${name}`).save(name, { resumable: false });
    const names: string[] = [];
    const prefixes: string[] = [];
    let query: object | undefined = { prefix: 'fidelity/list/', delimiter: '/', maxResults: 2, autoPaginate: false };
    for (let pages = 0; query; pages++) {
      assert.ok(pages < 5, 'pagination ends');
      const [files, next, response]: [{ name: string }[], object | null, unknown] = await bucket.getFiles(query);
      names.push(...files.map((f) => f.name));
      prefixes.push(...((response as { prefixes?: string[] }).prefixes ?? []));
      query = next ?? undefined;
    }
    // every directory of the fake lists as its marker, as a FUSE-created directory does on GCS
    assert.deepEqual(names, ['fidelity/list/', 'fidelity/list/a.txt', 'fidelity/list/b.txt', 'fidelity/list/c.txt']);
    assert.deepEqual(prefixes, ['fidelity/list/sub/']);
  });

  it('keeps the markers of the current day and minute when a removal empties them (other processes cache them)', async () => {
    const now = new Date().toISOString();
    const dir = `markers-job/${now.slice(0, 10)}/${now.slice(11, 13)}${now.slice(14, 16)}`;
    await storage.createDirectory(`${dir}/id1/output`);
    await storage.remove(`${dir}/id1`);
    const [files] = await client.bucket('staging').getFiles({ prefix: 'runs/markers-job/' });
    assert.deepEqual(files.map((f) => f.name).sort(), ['runs/markers-job/', `runs/markers-job/${now.slice(0, 10)}/`, `runs/${dir}/`]);
  });

  it('checks its options at once', () => {
    assert.throws(() => new GcsStorageAdapter({ stagingBucket: 's3://nope' }), (e) => e instanceof ConfigurationError && e.setting === 'stagingBucket');
    assert.throws(() => new GcsStorageAdapter({ stagingBucket: 'gs://b/../x' }), ConfigurationError);
    assert.throws(() => new GcsStorageAdapter({ stagingBucket: 'gs://bucket', chunkSizeBytes: 1000 }), (e) => e instanceof ValidationError && e.field === 'chunkSizeBytes');
    assert.throws(() => new GcsStorageAdapter({ stagingBucket: 'gs://bucket', maxRetryDelaySeconds: 0.1 }), (e) => e instanceof ValidationError && e.field === 'maxRetryDelaySeconds');
    assert.equal(new GcsStorageAdapter({ stagingBucket: 'gs://bucket/a/b/' }).location('x y.txt'), 'gs://bucket/a/b/x y.txt');
  });

  it('loads no @google-cloud module until a storage call is made', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const { GcsStorageAdapter } = await import('./src/infra/gcp/gcs/gcs-storage.adapter.ts');
      const { createGcsObjectReader } = await import('./src/infra/gcp/gcs/gcs-object-reader.ts');
      new GcsStorageAdapter({ stagingBucket: 'gs://bucket/prefix' }).location('a.txt');
      createGcsObjectReader({});
      const google = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /@google-cloud|google-auth-library|gaxios/.test(k)).length;
      const before = google();
      await import('@google-cloud/storage');
      console.log(JSON.stringify({ before, after: google() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    const { before: loadedBefore, after: loadedAfter } = JSON.parse(stdout) as { before: number; after: number };
    assert.equal(loadedBefore, 0);
    assert.ok(loadedAfter > 0, 'the check does see the client once it is loaded');
  });
});
