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

  it('run --follow prints the job\'s output as it comes, then the summary; with --json the logs go to stderr', async () => {
    const job = ['--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'follow', '--follow', '--', 'sh', '-c', 'echo one; sleep 1; echo two >&2; sleep 1; echo three'];
    const human = await fx.cli(['run', ...job]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^one\nthree\nSUCCEEDED in /);
    assert.match(human.stderr, /^two$/m);
    const json = await fx.cli(['run', '--json', ...job]);
    assert.equal(JSON.parse(json.stdout).state, 'SUCCEEDED', 'stdout is the document alone');
    assert.match(json.stderr, /^one\n(.*\n)*two\n(.*\n)*three$/m);
  });

  it('logs of a 200 KB output reach a pipe whole', async () => {
    const { stdout, stderr, code } = await fx.sh(
      `set -o pipefail; id=$(node "$CLI" schedule --image ${BUSYBOX_IMAGE} --namespace ${TEST_NAMESPACE} --name biglog -- sh -c "$JOB") && node "$CLI" attach --quiet "$id" > /dev/null && node "$CLI" logs "$id" | wc -c && node "$CLI" cleanup --quiet --namespace ${TEST_NAMESPACE} > /dev/null`,
      { JOB: 'i=0; while [ $i -lt 4000 ]; do echo "line $i of fifty characters, padded to that length."; i=$((i+1)); done' },
    );
    assert.equal(code, 0, stderr);
    assert.ok(Number(stdout.trim()) > 200_000, `only ${stdout.trim()} bytes reached the pipe`);
  });
});
