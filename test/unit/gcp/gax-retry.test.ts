import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendUnavailableError, NotFoundError, PermissionDeniedError, ValidationError } from '../../../src/domain/errors.js';
import { gaxCall, gaxPaged, type GaxPage } from '../../../src/infra/gcp/shared/gax-call.js';
import { GrpcCode } from '../../../src/infra/gcp/shared/gax-errors.js';
import { resolveCallRetry, withCallRetry, type CallRetrySettings } from '../../../src/infra/gcp/shared/gax-retry.js';

const gax = (code: number) => Object.assign(new Error(`${code} injected`), { code, details: 'injected' });
const FAST: CallRetrySettings = { maxAttempts: 4, minBackoffMs: 1, maxBackoffMs: 5, maxTotalMs: 10_000 };

/** A call that fails with the given codes in turn, then answers `value`; counts its calls. */
function scripted<T>(codes: readonly number[], value: T) {
  const calls = { count: 0 };
  const call = async () => {
    const code = codes[calls.count++];
    if (code !== undefined) throw gax(code);
    return value;
  };
  return { call, calls };
}

describe('withCallRetry and the API wrappers built on it', () => {
  for (const code of [GrpcCode.UNAVAILABLE, GrpcCode.RESOURCE_EXHAUSTED, GrpcCode.DEADLINE_EXCEEDED]) {
    it(`retries a burst of code ${code} and answers once it passes`, async () => {
      const { call, calls } = scripted([code, code, code], 'answer');
      assert.equal(await gaxCall('reading x', 'call', call, new Map(), FAST), 'answer');
      assert.equal(calls.count, 4);
    });
  }

  for (const code of [GrpcCode.PERMISSION_DENIED, GrpcCode.UNAUTHENTICATED, GrpcCode.INVALID_ARGUMENT, GrpcCode.NOT_FOUND, GrpcCode.INTERNAL]) {
    it(`never retries code ${code}`, async () => {
      const { call, calls } = scripted([code], 'answer');
      await assert.rejects(gaxCall('reading x', 'call', call, new Map(), FAST));
      assert.equal(calls.count, 1);
    });
  }

  it('gives up after maxAttempts with the translated last error', async () => {
    const { call, calls } = scripted(Array(10).fill(GrpcCode.UNAVAILABLE), 'answer');
    await assert.rejects(gaxCall('reading x', 'call', call, new Map(), FAST), BackendUnavailableError);
    assert.equal(calls.count, FAST.maxAttempts);
  });

  it('starts no retry once maxTotalMs has passed', async () => {
    const { call, calls } = scripted(Array(10).fill(GrpcCode.UNAVAILABLE), 'answer');
    const started = Date.now();
    await assert.rejects(withCallRetry(call, { maxAttempts: 10, minBackoffMs: 40, maxBackoffMs: 40, maxTotalMs: 100 }));
    assert.ok(calls.count < 10 && calls.count >= 2, `${calls.count} calls`);
    assert.ok(Date.now() - started < 1_000);
  });

  it('stops waiting when the signal aborts, with its reason', async () => {
    const { call, calls } = scripted(Array(10).fill(GrpcCode.UNAVAILABLE), 'answer');
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(withCallRetry(call, { ...FAST, maxAttempts: 10, minBackoffMs: 1_000, maxBackoffMs: 1_000 }, controller.signal), (e) => e === reason);
    assert.equal(calls.count, 1);
  });

  it('calls once when maxAttempts is 1', async () => {
    const { call, calls } = scripted([GrpcCode.UNAVAILABLE], 'answer');
    await assert.rejects(gaxCall('reading x', 'call', call, new Map(), { ...FAST, maxAttempts: 1 }), BackendUnavailableError);
    assert.equal(calls.count, 1);
  });

  it('still returns a tolerated answer (NOT_FOUND as undefined) without retrying it', async () => {
    const { call, calls } = scripted([GrpcCode.UNAVAILABLE, GrpcCode.NOT_FOUND], 'answer');
    assert.equal(await gaxCall('reading x', 'call', call, new Map([[GrpcCode.NOT_FOUND, undefined]]), FAST), undefined);
    assert.equal(calls.count, 2);
  });

  it('retries each page of a listing on its own: every item once, in order', async () => {
    const pages: Record<string, GaxPage<number>> = { '': [[1, 2], { pageToken: 'b' }], b: [[3, 4], { pageToken: 'c' }], c: [[5], null] };
    const asked: string[] = [];
    let failures = 2;
    const fetchPage = async (token: string | undefined) => {
      asked.push(token ?? '');
      if (token === 'b' && failures-- > 0) throw gax(GrpcCode.RESOURCE_EXHAUSTED);
      return pages[token ?? '']!;
    };
    const items: number[] = [];
    for await (const item of gaxPaged('listing', fetchPage, { retry: FAST })) items.push(item);
    assert.deepEqual(items, [1, 2, 3, 4, 5]);
    assert.deepEqual(asked, ['', 'b', 'b', 'b', 'c']);
  });

  it('ends a listing on a tolerated code and translates any other failure', async () => {
    const gone = async () => { throw gax(GrpcCode.NOT_FOUND); };
    const seen: unknown[] = [];
    for await (const item of gaxPaged('listing', gone, { tolerated: [GrpcCode.NOT_FOUND], retry: FAST })) seen.push(item);
    assert.deepEqual(seen, []);
    const denied = async (): Promise<GaxPage<number>> => { throw gax(GrpcCode.PERMISSION_DENIED); };
    await assert.rejects(async () => { for await (const _ of gaxPaged('listing', denied, { retry: FAST })) void _; }, PermissionDeniedError);
    const missing = async (): Promise<GaxPage<number>> => { throw gax(GrpcCode.NOT_FOUND); };
    await assert.rejects(async () => { for await (const _ of gaxPaged('listing', missing)) void _; }, NotFoundError);
  });

  it('validates the options, naming the field', () => {
    assert.deepEqual(resolveCallRetry({ maxAttempts: 2 }), { maxAttempts: 2, minBackoffMs: 500, maxBackoffMs: 8_000, maxTotalMs: 60_000 });
    for (const [options, field] of [
      [{ maxAttempts: 0 }, 'callRetry.maxAttempts'], [{ maxAttempts: 1.5 }, 'callRetry.maxAttempts'],
      [{ minBackoffMs: -1 }, 'callRetry.minBackoffMs'], [{ maxTotalMs: Number.NaN }, 'callRetry.maxTotalMs'], [42, 'callRetry'],
    ] as const) {
      assert.throws(() => resolveCallRetry(options as never), (e) => e instanceof ValidationError && e.field === field, JSON.stringify(options));
    }
  });
});
