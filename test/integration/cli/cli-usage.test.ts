import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, containersOf, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

describe('CLI usage errors', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const run = (...flags: string[]) => ['run', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'usage', ...flags, '--', 'true'];
  /** Exit 64, one line naming the flag, and nothing started or staged. */
  async function refused(args: string[], flag: string) {
    const outcome = await fx.cli(args);
    assert.equal(outcome.code, 64, outcome.stderr);
    assert.ok(outcome.stderr.includes(`\`${flag}\``), `names ${flag}: ${outcome.stderr}`);
    assert.deepEqual(await containersOf(fx.docker), []);
    assert.deepEqual(await readdir(fx.stagingDir), []);
    return outcome.stderr;
  }

  it('an unknown --state, listing the valid ones', async () => {
    const stderr = await refused(['list', '--state', 'BOGUS'], '--state');
    assert.match(stderr, /PENDING, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, got 'BOGUS'/);
  });

  it('a number flag that is no number names the flag and quotes the text, not "null" or the API field', async () => {
    for (const [args, flag] of [[run('--timeout', 'abc'), '--timeout'], [['cleanup', '--older-than', 'soon'], '--older-than']] as const) {
      const stderr = await refused([...args], flag);
      assert.doesNotMatch(stderr, /null|executionConfig|olderThanSeconds/);
      assert.ok(stderr.includes("'abc'") || stderr.includes("'soon'"), stderr);
    }
  });

  it("--env '=value' is refused without echoing the value", async () => {
    const stderr = await refused(run('--env', '=s3cr3t-value'), '--env');
    assert.doesNotMatch(stderr, /s3cr3t-value/);
  });

  it('cancel of a finished execution says it had already ended', async () => {
    const scheduled = await fx.cli(['schedule', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'done', '--', 'true']);
    const executionId = scheduled.stdout.trim();
    assert.equal((await fx.cli(['attach', executionId])).code, 0);
    const human = await fx.cli(['cancel', executionId]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /had already ended \(SUCCEEDED\): nothing to cancel/);
    const json = await fx.cli(['cancel', '--json', executionId]);
    assert.deepEqual(JSON.parse(json.stdout), { executionId, cancelled: false, state: 'SUCCEEDED' });
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });
});
