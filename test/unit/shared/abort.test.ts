import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { abortable } from '../../../src/infra/shared/abort.js';

/**
 * Runs `body` with this file's own unhandledRejection listener in place of the test runner's, and answers the
 * reasons it saw once the rejections `body` left behind have had time to be reported.
 */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const runners = process.listeners('unhandledRejection');
  const listener = (reason: unknown) => seen.push(reason);
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', listener);
  try {
    await body();
    await sleep(20); // unhandled rejections are reported once the microtask queue drains
  } finally {
    process.off('unhandledRejection', listener);
    for (const runner of runners) process.on('unhandledRejection', runner);
  }
  return seen;
}

/** A promise rejected later, by hand: a client call still running when the caller stopped waiting. */
function later<T>(): { promise: Promise<T>; reject: (error: Error) => void } {
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((_, no) => (reject = no));
  return { promise, reject };
}

describe('abortable', () => {
  it('the check sees a rejection nobody handles (control)', async () => {
    const seen = await unhandledDuring(async () => {
      void Promise.reject(new Error('control'));
    });
    assert.deepEqual(seen.map((e) => (e as Error).message), ['control']);
  });

  it('rejects with the abort reason at once; the abandoned call failing afterwards is not an unhandled rejection', async () => {
    const seen = await unhandledDuring(async () => {
      const call = later<string>();
      const controller = new AbortController();
      const waiting = abortable(call.promise, controller.signal);
      controller.abort(new Error('stopped waiting'));
      await assert.rejects(waiting, /stopped waiting/);
      call.reject(new Error('the abandoned call failed'));
    });
    assert.deepEqual(seen, []);
  });

  it('with a signal already aborted, rejects at once and keeps the abandoned call\'s later failure handled', async () => {
    const seen = await unhandledDuring(async () => {
      const call = later<string>();
      await assert.rejects(abortable(call.promise, AbortSignal.abort(new Error('aborted before'))), /aborted before/);
      call.reject(new Error('the abandoned call failed'));
    });
    assert.deepEqual(seen, []);
  });

  it('settles like the call while the signal has not aborted', async () => {
    const controller = new AbortController();
    assert.equal(await abortable(Promise.resolve('done'), controller.signal), 'done');
    await assert.rejects(abortable(Promise.reject(new Error('call failed')), controller.signal), /call failed/);
    assert.equal(await abortable(Promise.resolve('no signal'), undefined), 'no signal');
  });
});
