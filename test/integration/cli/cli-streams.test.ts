import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';
import { startCuttingProxy, type CuttingProxy } from './docker-cutting-proxy.js';

/** A log stream that fails part-way (the daemon's answer cut by a proxy): the CLI says so in one line and goes on. */
describe('CLI: a log stream that fails part-way', () => {
  let fx: CliFixture;
  let proxy: CuttingProxy;
  before(async () => {
    fx = await cliFixture();
    proxy = await startCuttingProxy({ afterBytes: 600 });
  });
  after(async () => {
    await proxy?.close();
    await fx.close();
  });

  const job = (name: string, script: string) => ['--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', name, '--', 'sh', '-c', script];
  const viaProxy = () => ({ env: { DOCKER_HOST: proxy.dockerHost } });

  it('run --follow: one warning line on stderr, the run goes on to its result and exit code (no crash, no stack)', async () => {
    const script = 'for i in $(seq 1 60); do echo "line $i"; sleep 0.05; done; echo "{\\"ok\\":true}" > $OUTPUT_PATH/smartjob.json';
    const cutsBefore = proxy.cuts;
    const ran = await fx.cli(['run', '--json', '--follow', ...job('cutfollow', script)], viaProxy());
    assert.ok(proxy.cuts > cutsBefore, 'the log stream was cut');
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout);
    assert.equal(result.state, 'SUCCEEDED');
    assert.deepEqual(result.jsonOutput, { ok: true });
    assert.equal(ran.stderr.match(/warning: cannot show the job's logs/g)?.length, 1, ran.stderr);
    assert.match(ran.stderr, /line 1\n/, 'the lines before the cut were shown');
    assert.doesNotMatch(ran.stderr, /^\s+at /m);
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });

  it('logs --json failing part-way: stdout is still one JSON document, its last element the error with its real code', async () => {
    const scheduled = await fx.cli(['schedule', ...job('cutlogs', 'for i in $(seq 1 500); do echo "line $i"; done')]);
    const id = scheduled.stdout.trim();
    assert.equal((await fx.cli(['attach', '--quiet', id])).code, 0);
    const whole = JSON.parse((await fx.cli(['logs', '--json', id])).stdout) as unknown[];
    assert.equal(whole.length, 500);

    const cut = await fx.cli(['logs', '--json', id], viaProxy());
    const lines = JSON.parse(cut.stdout) as { stream?: string; line?: string; error?: { code: string; message: string; exitCode: number } }[];
    const last = lines.at(-1)!;
    assert.ok(lines.length > 1 && lines.length < 500, `some lines, then the error: ${lines.length}`);
    assert.deepEqual(lines[0], { stream: 'stdout', line: 'line 1' });
    assert.ok(last.error, cut.stdout.slice(-400));
    assert.notEqual(last.error.code, 'USAGE');
    assert.equal(last.error.exitCode, cut.code);
    assert.ok([69, 70].includes(cut.code!), `exit ${cut.code}: ${cut.stderr}`);
    assert.equal(cut.stderr.trim().split('\n').length, 1, cut.stderr);
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });
});
