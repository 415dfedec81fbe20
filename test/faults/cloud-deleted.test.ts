import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../../src/domain/errors.js';
import type { SmartJob } from '../../src/domain/job.js';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../support/docker.js';
import { startCloudFixture, type CloudBackend, type CloudFixture } from './cloud-backends.js';

/**
 * The fault table's row "cloud job deleted by someone else while we wait": `run` rejects with a NotFoundError
 * within a poll or two, never hangs; status and attach say NotFound too. Polls are slow here (POLL_MS) so that on
 * Vertex, which deletes only ended jobs, the deletion lands between the job's end and the next poll.
 */
const POLL_MS = 3_000;
const BACKENDS: readonly CloudBackend[] = ['cloudrun', 'cloudbatch', 'vertex'];

const job = (backend: CloudBackend): SmartJob => ({
  name: 'deleted-elsewhere', namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE,
  // Vertex: ends soon, to be deletable; elsewhere: still running when deleted
  overriddenArgs: ['sleep', backend === 'vertex' ? '1' : '30'],
});

for (const backend of BACKENDS) {
  describe(`${backend}: a job deleted by someone else while run() waits`, { timeout: 120_000 }, () => {
    let f: CloudFixture;
    before(async () => { f = await startCloudFixture(backend, { pollIntervalMs: POLL_MS }); });
    after(async () => {
      if (!f) return;
      try {
        assert.deepEqual(await f.fake.containers(), [], 'containers left');
      } finally {
        await f.close();
      }
    });

    it('rejects with a NotFoundError within a few polls, not a hang; getStatus and attach say NotFound', async () => {
      const { details, result } = await f.service.schedule(job(backend));
      result.catch(() => undefined); // asserted below
      await f.deleteElsewhere(details.executionId);
      const deleted = Date.now();
      await assert.rejects(result, (e) => e instanceof NotFoundError && e.message.includes(details.executionId));
      const waited = Date.now() - deleted;
      assert.ok(waited < 3 * POLL_MS, `noticed ${waited} ms after the deletion`);
      assert.equal(f.executionsOf(details.executionId), 0);
      await assert.rejects(f.service.getStatus(details.executionId), NotFoundError);
      await assert.rejects(f.service.attach(details.executionId), NotFoundError);
    });
  });
}
