import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

/** A job whose smartjob.json holds a string of `size` characters. */
const bigOutput = (size: number) => `printf '{"data":"' > $OUTPUT_PATH/smartjob.json; head -c ${size} /dev/zero | tr '\\000' a >> $OUTPUT_PATH/smartjob.json; printf '"}' >> $OUTPUT_PATH/smartjob.json`;

describe('CLI output through a pipe', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  it('writes a 200 KB result whole into a pipe before exiting', async () => {
    const { stdout, stderr, code } = await fx.sh(
      `set -o pipefail; node "$CLI" run --json --image ${BUSYBOX_IMAGE} --namespace ${TEST_NAMESPACE} --name big -- sh -c "$JOB" | wc -c`,
      { JOB: bigOutput(200_000) },
    );
    assert.equal(code, 0, stderr);
    assert.ok(Number(stdout.trim()) > 200_000, `only ${stdout.trim()} bytes reached the pipe`);
  });
});
