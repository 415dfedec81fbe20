import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, containersOf, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

describe('CLI exit codes, one per outcome', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const run = (name: string, ...rest: string[]) => ['run', '--json', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', name, ...rest];
  /** No stack trace: one line saying what and how to fix it. */
  const oneLine = (stderr: string) => {
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.doesNotMatch(stderr, /^\s+at /m);
  };

  it('0 when the job succeeded', async () => {
    const { code, stdout } = await fx.cli(run('ok', '--', 'true'));
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).state, 'SUCCEEDED');
  });

  it('1 when the job failed', async () => {
    const { code, stdout } = await fx.cli(run('fails', '--', 'sh', '-c', 'exit 4'));
    assert.equal(code, 1);
    assert.equal(JSON.parse(stdout).exitCode, 4);
  });

  it('2 when it timed out', async () => {
    const { code, stdout } = await fx.cli(run('slow', '--timeout', '1', '--', 'sleep', '30'));
    assert.equal(code, 2);
    assert.equal(JSON.parse(stdout).state, 'TIMED_OUT');
  });

  it('3 when it was cancelled (here by another process)', async () => {
    const running = fx.start(run('victim', '--', 'sleep', '30'));
    const [, id] = await running.waitForStderr(/execution ([0-9a-f]{16}) (?:PENDING|RUNNING)/);
    assert.equal((await fx.cli(['cancel', id!])).code, 0);
    const { code, stdout } = await running.outcome;
    assert.equal(code, 3);
    assert.equal(JSON.parse(stdout).state, 'CANCELLED');
  });

  /** The --json error document: the only thing on stdout, with the real code and the exit code. */
  const errorDocument = (stdout: string, code: string, exitCode: number) => {
    const { error } = JSON.parse(stdout) as { error: { code: string; message: string; exitCode: number } };
    assert.deepEqual([error.code, error.exitCode, typeof error.message], [code, exitCode, 'string']);
  };

  it('64 on a usage error, with nothing started', async () => {
    const { code, stderr, stdout } = await fx.cli(run('usage', '--cpu', 'lots', '--', 'true'));
    assert.equal(code, 64);
    oneLine(stderr);
    errorDocument(stdout, 'USAGE', 64);
    assert.deepEqual(await containersOf(fx.docker), []);
  });

  it('69 when the Docker daemon is unreachable: one line with the fix', async () => {
    const { code, stderr, stdout } = await fx.cli(run('nodaemon', '--', 'true'), { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.equal(code, 69);
    oneLine(stderr);
    assert.match(stderr, /Docker daemon unreachable.*DOCKER_HOST/);
    errorDocument(stdout, 'BACKEND_UNAVAILABLE', 69);
  });

  it('69 when a cloud API is unreachable (--api-endpoint on a closed local port): one line', async () => {
    const port = await closedPort();
    const cloud = ['--backend', 'cloudrun', '--project', 'p', '--region', 'europe-west1', '--staging-bucket', 'gs://bucket', '--api-endpoint', `http://127.0.0.1:${port}`];
    for (const args of [['status', '0123456789abcdef'], ['list']]) {
      const { code, stderr, stdout } = await fx.cli(['--json', ...cloud, ...args]);
      assert.equal(code, 69, stderr);
      oneLine(stderr);
      assert.match(stderr, /API was unavailable/);
      errorDocument(stdout, 'BACKEND_UNAVAILABLE', 69);
    }
  });

  it('70 on another SDK error (a missing image): one line naming it; the stack only with --debug', async () => {
    const image = '127.0.0.1:9/smartjob-missing:nope'; // a loopback registry that refuses at once
    const plain = await fx.cli([...run('noimage', '--', 'true').map((a) => (a === BUSYBOX_IMAGE ? image : a))]);
    assert.equal(plain.code, 70);
    oneLine(plain.stderr);
    errorDocument(plain.stdout, 'IMAGE_UNAVAILABLE', 70);
    assert.ok(plain.stderr.includes(image), plain.stderr);
    const debug = await fx.cli([...run('noimage', '--debug', '--', 'true').map((a) => (a === BUSYBOX_IMAGE ? image : a))]);
    assert.equal(debug.code, 70);
    assert.match(debug.stderr, /^\s+at /m, 'a stack trace with --debug');
  });
});

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
