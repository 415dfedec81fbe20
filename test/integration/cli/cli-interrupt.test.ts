import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, containersOf, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

/** The status line's first line on a non-terminal stderr. */
const SCHEDULED = /execution ([0-9a-f]{16}) (?:PENDING|RUNNING)/;

describe('CLI: Ctrl-C and SIGTERM during run', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const sleeper = (name: string) => ['run', '--json', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', name, '--', 'sleep', '60'];

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} cancels the execution, says so with its id, exits ${code} and leaves no container`, async () => {
      const running = fx.start(sleeper(`int-${signal.toLowerCase()}`));
      const [, id] = await running.waitForStderr(SCHEDULED);
      running.child.kill(signal);
      const outcome = await running.outcome;
      assert.equal(outcome.code, code, outcome.stderr);
      assert.match(outcome.stderr, new RegExp(`${signal}: cancelling execution ${id}`));
      assert.equal(JSON.parse(outcome.stdout).state, 'CANCELLED');
      assert.deepEqual(await containersOf(fx.docker), []);
    });
  }

  it('a second Ctrl-C stops waiting at once and prints the attach command', async () => {
    // a job that ignores SIGTERM: the cancellation takes the whole stop grace period
    const running = fx.start(['run', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'int-twice', '--', 'sh', '-c', "trap '' TERM; sleep 60"]);
    const [, id] = await running.waitForStderr(SCHEDULED);
    running.child.kill('SIGINT');
    await running.waitForStderr(/cancelling/);
    running.child.kill('SIGINT');
    const outcome = await running.outcome;
    assert.equal(outcome.code, 130);
    assert.match(outcome.stderr, new RegExp(`smartjob attach ${id}`));
    assert.equal(JSON.parse((await fx.cli(['status', '--json', id!])).stdout).state, 'RUNNING', 'left running');
    assert.equal((await fx.cli(['cancel', id!])).code, 0);
    const attached = await fx.cli(['attach', '--json', id!]);
    assert.equal(JSON.parse(attached.stdout).state, 'CANCELLED');
    assert.equal(attached.code, 3);
    assert.equal((await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE])).code, 0);
  });
});
