import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture, type CliOutcome } from './cli-harness.js';

const SECRET = 'tok-8f3b1c9e-NEVER-PRINTED';

describe('CLI --secret-env: the value appears nowhere the CLI prints, --debug included', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const base = ['--debug', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE];
  const printed = (outcomes: CliOutcome[]) => outcomes.map((o) => `${o.stdout}\n${o.stderr}`).join('\n');

  it('passes the value to the job; run, schedule, status, list, logs and errors never print it', async () => {
    const outcomes: CliOutcome[] = [];
    const check = '[ "$TOKEN" = "$EXPECTED" ] && echo "token ok, $PLAIN" || { echo "token wrong"; exit 1; }';
    const env = { EXPECTED_VALUE: SECRET };
    const ran = await fx.cli(['run', ...base, '--name', 'secret', '--follow', '--env', 'PLAIN=plain-value', '--secret-env', `TOKEN=${SECRET}`, '--secret-env', `EXPECTED=${SECRET}`, '--', 'sh', '-c', check], { env });
    outcomes.push(ran);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /token ok, plain-value/, 'the job got it (and the check sees what the job printed)');

    // by name: the value comes from the CLI's own environment, as with docker run -e NAME
    const scheduled = await fx.cli(['schedule', '--json', ...base, '--name', 'secret2', '--secret-env', 'EXPECTED_VALUE', '--', 'sh', '-c', 'echo "value: $EXPECTED_VALUE"; echo "$EXPECTED_VALUE" >&2'], { env });
    outcomes.push(scheduled);
    const { executionId } = JSON.parse(scheduled.stdout) as { executionId: string };
    for (const args of [['attach', executionId], ['status', executionId], ['list', '--namespace', TEST_NAMESPACE], ['logs', executionId]]) {
      outcomes.push(await fx.cli(['--json', '--debug', ...args]));
    }
    // errors with stack traces: a bad flag, and a failure after the secret was read
    outcomes.push(await fx.cli(['run', ...base, '--name', 'secret3', '--secret-env', `TOKEN=${SECRET}`, '--cpu', 'x', '--', 'true']));
    outcomes.push(await fx.cli(['run', ...base, '--name', 'secret4', '--secret-env', `TOKEN=${SECRET}`, '--env', 'TOKEN=clash', '--', 'true']));
    outcomes.push(await fx.cli(['run', ...base.map((a) => (a === BUSYBOX_IMAGE ? '127.0.0.1:9/absent:nope' : a)), '--name', 'secret5', '--secret-env', `TOKEN=${SECRET}`, '--', 'true']));
    assert.deepEqual(outcomes.slice(-3).map((o) => o.code), [64, 64, 70]);
    assert.ok(outcomes.slice(-1)[0]!.stderr.includes('    at '), '--debug printed a stack trace');
    assert.ok(!printed(outcomes).includes(SECRET), 'the secret was printed');
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });

  it('a job that prints its secret: `logs` from another process shows it masked, live and from the logs run() kept', async () => {
    // run: the logs kept in the staging directory (logs.jsonl) are masked when written
    const ran = await fx.cli(['run', '--json', ...base, '--name', 'printer', '--secret-env', `TOKEN=${SECRET}`, '--', 'sh', '-c', 'echo "token=$TOKEN"; echo "err $TOKEN" >&2']);
    assert.equal(ran.code, 0, ran.stderr);
    const { executionId, logUrl } = JSON.parse(ran.stdout) as { executionId: string; logUrl: string };
    const kept = await readFile(new URL(logUrl), 'utf8');
    assert.match(kept, /token=\*\*\*/);
    assert.ok(!kept.includes(SECRET), 'the kept logs hold the secret');
    const logs = await fx.cli(['logs', executionId]); // a new process: it was never given the value
    assert.equal(logs.stdout, 'token=***\n');
    assert.equal(logs.stderr, 'err ***\n');

    // schedule: the container's live logs, read by a process that never saw the value
    const scheduled = await fx.cli(['schedule', ...base, '--name', 'printer2', '--secret-env', `TOKEN=${SECRET}`, '--', 'sh', '-c', 'echo "live $TOKEN"; sleep 2; echo "later $TOKEN"']);
    const id = scheduled.stdout.trim();
    const followed = await fx.cli(['logs', '--follow', id]);
    assert.equal(followed.stdout, 'live ***\nlater ***\n');
    assert.ok(!printed([logs, followed, scheduled]).includes(SECRET));
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });

  it('masks the value when the job itself prints it (--follow)', async () => {
    const ran = await fx.cli(['run', ...base, '--name', 'leaky', '--follow', '--secret-env', `TOKEN=${SECRET}`, '--', 'sh', '-c', 'echo "my token is $TOKEN"; echo "again: $TOKEN" >&2']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /my token is \*\*\*/);
    assert.match(ran.stderr, /again: \*\*\*/);
    assert.ok(!printed([ran]).includes(SECRET));
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });
});
