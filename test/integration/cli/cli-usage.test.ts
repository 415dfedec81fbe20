import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('each usage error names its flag (or argument), exits 64 and starts nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sj-cli-usage-'));
    const badConfig = join(dir, 'bad.json');
    await writeFile(badConfig, JSON.stringify({ image: BUSYBOX_IMAGE, imgae: 'typo' }));
    const cases: [string[], string, NodeJS.ProcessEnv?][] = [
      [run('--bogus'), '--bogus'],
      [['run', '--name', 'x', '--image'], '--image'],
      [run('--json=yes'), '--json'],
      [['run', '--name', 'x', '--', 'true'], '--image'],
      [['run', '--image', BUSYBOX_IMAGE, '--', 'true'], '--name'],
      [run('--name', 'Bad Name'), '--name'],
      [run('--namespace', 'UPPER'), '--namespace'],
      [run('--image', 'not an image'), '--image'],
      [run('--script', '/nonexistent/train.py'), '--script'],
      [run('--env', 'NOT_SET_ANYWHERE_42'), '--env'],
      [run('--env', 'INPUT_PATH=/x'), '--env'],
      [run('--secret-env', '=x'), '--secret-env'],
      [run('--label', '=x'), '--label'],
      [run('--label', 'Bad=1'), '--label'],
      [run('--input', 'no-equals-sign'), '--input'],
      [run('--input', 'a=/nonexistent/file'), '--input'],
      [run('--gcs-input', 'a=http://not-gcs/x'), '--gcs-input'],
      [run('--json-input', 'a=@/nonexistent.json'), '--json-input'],
      [run('--json-input', 'a={not json'), '--json-input'],
      [run('--cpu', '-1'), '--cpu'],
      [run('--attempts', '1.5'), '--attempts'],
      [run('--memory', 'lots'), '--memory'],
      [run('--boot-disk-size', 'big'), '--boot-disk-size'],
      [run('--backend', 'kubernetes'), '--backend'],
      [run('--api-endpoint', 'not a url', '--backend', 'cloudrun'), '--api-endpoint'],
      [run(), '--timeout', { SMARTJOB_TIMEOUT: 'soon' }],
      [run('--config', badConfig), '--config'],
      [run('--config', join(dir, 'absent.json')), '--config'],
      [run('--backend', 'cloudrun'), '--project', { SMARTJOB_PROJECT: '', SMARTJOB_REGION: '', SMARTJOB_STAGING_BUCKET: '' }],
      [['status'], 'ID'],
      [['attach', 'a', 'b'], 'ID'],
      [['status', 'Not-An-Id!'], 'ID'],
      [['logs', '0123456789abcdef', '--', 'x'], '--'],
      [['cleanup', '--older-than', '-5'], '--older-than'],
      [['frobnicate'], 'frobnicate'],
      [['schedule', '--follow', '--image', BUSYBOX_IMAGE, '--name', 'x', '--', 'true'], '--follow'],
    ];
    for (const [args, flag, env] of cases) {
      const outcome = await fx.cli(args, { env });
      assert.equal(outcome.code, 64, `${args.join(' ')}: ${outcome.stderr}`);
      assert.ok(outcome.stderr.includes(`\`${flag}\``), `${args.join(' ')} names ${flag}: ${outcome.stderr}`);
      assert.equal(outcome.stderr.trim().split('\n').length, 1, outcome.stderr);
    }
    assert.match((await fx.cli(run(), { env: { SMARTJOB_TIMEOUT: 'soon' } })).stderr, /`--timeout` \(from SMARTJOB_TIMEOUT\) must be a positive number, got 'soon'/);
    assert.match((await fx.cli(run('--config', badConfig))).stderr, /unknown keys: imgae/);
    assert.deepEqual(await containersOf(fx.docker), []);
    assert.deepEqual(await readdir(fx.stagingDir), []);
  });

  it('--help of every command documents it with an example and the exit codes; --version prints the version', async () => {
    for (const command of ['run', 'schedule', 'status', 'attach', 'logs', 'cancel', 'list', 'cleanup']) {
      const { code, stdout } = await fx.cli([command, '--help']);
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^smartjob ${command}: .+\\n\\nUsage: smartjob ${command}`));
      assert.match(stdout, new RegExp(`Examples:\\n  smartjob ${command}|Examples:\\n  id=\\$\\(smartjob ${command}`));
      assert.match(stdout, /Exit codes: 0 succeeded, 1 the job failed, 2 timed out, 3 cancelled, 64 usage error, 69 backend unavailable, 70 other error, 130 interrupted \(Ctrl-C\), 143 terminated \(SIGTERM\)/);
    }
    const overview = await fx.cli([]);
    assert.equal(overview.code, 0);
    assert.match(overview.stdout, /^Commands:\n {2}run {7}run a job and wait for its result$/m);
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal((await fx.cli(['--version'])).stdout, `smartjob ${version}\n`);
  });

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

  it('--json: a usage error found before the settings are read is one JSON document too (unknown flag, command, bad config)', async () => {
    for (const args of [run('--json', '--bogus'), ['--json', 'frobnicate'], run('--json', '--config', '/nonexistent/smartjob.json')]) {
      const outcome = await fx.cli(args);
      assert.equal(outcome.code, 64, outcome.stderr);
      const { error } = JSON.parse(outcome.stdout) as { error: { code: string; message: string; exitCode: number } };
      assert.deepEqual([error.code, error.exitCode], ['USAGE', 64]);
      assert.ok(outcome.stderr.includes(error.message), outcome.stderr);
    }
  });

  it('--gcs-input on Docker without Cloud Storage access names the CLI flag and variable, not SDK options', async () => {
    const env = { GOOGLE_APPLICATION_CREDENTIALS: '', STORAGE_EMULATOR_HOST: '', SMARTJOB_GCS_ENDPOINT: '' };
    const outcome = await fx.cli(run('--gcs-input', 'data.csv=gs://bucket/data.csv'), { env });
    assert.equal(outcome.code, 64, outcome.stderr);
    assert.match(outcome.stderr, /`--gcs-input`.*`--gcs-endpoint URL` \(or SMARTJOB_GCS_ENDPOINT/);
    assert.doesNotMatch(outcome.stderr, /getExecutorService|gcs\.apiEndpoint/);
    assert.deepEqual(await containersOf(fx.docker), []);
    assert.deepEqual(await readdir(fx.stagingDir), []);
  });

  it('a secret value is never quoted in a usage error: NAME= forgotten, or split on commas from SMARTJOB_SECRET_ENV', async () => {
    assert.doesNotMatch(await refused(run('--secret-env', 's3cr3tvalue'), '--secret-env'), /s3cr3tvalue/);
    const env = { SMARTJOB_SECRET_ENV: 'T=abc,def-s3cr3t' };
    const outcome = await fx.cli(run(), { env });
    assert.equal(outcome.code, 64, outcome.stderr);
    assert.match(outcome.stderr, /`--secret-env` \(from SMARTJOB_SECRET_ENV\).*one NAME=VALUE per line or a JSON object/);
    assert.doesNotMatch(outcome.stderr, /def-s3cr3t/);
  });

  it('a value with a comma comes through SMARTJOB_SECRET_ENV and SMARTJOB_ENV (one per line, or a JSON object)', async () => {
    const check = '[ "$T" = "abc,def" ] && [ "$U" = "x,y" ] && [ "$P" = "1,2" ] && echo both-whole';
    const env = { SMARTJOB_SECRET_ENV: 'T=abc,def\nU=x,y', SMARTJOB_ENV: '{"P": "1,2"}' };
    const outcome = await fx.cli(['run', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'commas', '--follow', '--', 'sh', '-c', check], { env });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /both-whole/);
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
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

  it('cloud settings on Docker are warned about on stderr, each naming where it came from, not dropped silently', async () => {
    const outcome = await fx.cli(run('--region', 'europe-west1', '--service-account', 'a@b.iam.gserviceaccount.com'), { env: { SMARTJOB_STAGING_BUCKET: 'gs://bucket' } });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stderr, /`--region` is ignored: the docker backend does not use it/);
    assert.match(outcome.stderr, /`--service-account` is ignored/);
    assert.match(outcome.stderr, /`--staging-bucket` \(from SMARTJOB_STAGING_BUCKET\) is ignored/);
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });
});
