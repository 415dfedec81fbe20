import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { CLI, cliFixture, type CliFixture } from './cli-harness.js';

/** Writes the job's view of A, B, C and its timeout into smartjob.json. */
const SHOW_ENV = 'echo "{\\"A\\":\\"$A\\",\\"B\\":\\"$B\\",\\"C\\":\\"$C\\",\\"D\\":\\"$D\\"}" > $OUTPUT_PATH/smartjob.json';

describe('CLI settings: flag > SMARTJOB_* variable > smartjob.config.json', () => {
  let fx: CliFixture;
  let project: string;
  before(async () => {
    fx = await cliFixture();
    project = await mkdtemp(join(tmpdir(), 'sj-cli-config-'));
    await writeFile(join(project, 'smartjob.config.json'), JSON.stringify({
      image: BUSYBOX_IMAGE, namespace: TEST_NAMESPACE, name: 'from-file', timeout: 100,
      env: { A: 'file', B: 'file', C: 'file' }, args: ['sh', '-c', SHOW_ENV],
    }));
    await writeFile(join(project, 'job.env'), '# the env file\nexport D="from env file"\n');
  });
  after(async () => { await fx.close(); });

  /** The CLI run from the project directory, with `env`. */
  const inProject = (args: string[], env: NodeJS.ProcessEnv = {}) => fx.sh(`cd "$PROJECT" && node "${CLI}" ${args.join(' ')}`, { PROJECT: project, ...env });

  it('takes each setting from the highest layer that sets it; maps merge key by key', async () => {
    const env = { SMARTJOB_ENV: 'B=env,C=env', SMARTJOB_TIMEOUT: '200', SMARTJOB_ENV_FILE: 'job.env' };
    const scheduled = await inProject(['schedule', '--json', '--env', 'C=flag'], env);
    assert.equal(scheduled.code, 0, scheduled.stderr);
    const { executionId, jobName } = JSON.parse(scheduled.stdout) as { executionId: string; jobName: string };
    assert.equal(jobName, 'from-file');
    const attached = JSON.parse((await inProject(['attach', '--json', executionId])).stdout) as { jsonOutput: unknown };
    assert.deepEqual(attached.jsonOutput, { A: 'file', B: 'env', C: 'flag', D: 'from env file' });
    const status = JSON.parse((await inProject(['status', '--json', executionId], env)).stdout) as { timeoutSeconds: number };
    assert.equal(status.timeoutSeconds, 200, 'the variable beats the file');
    const flagged = await inProject(['schedule', '--json', '--timeout', '300', '--name', 'from-flag'], env);
    const second = JSON.parse(flagged.stdout) as { executionId: string; jobName: string };
    assert.equal(second.jobName, 'from-flag');
    assert.equal((JSON.parse((await inProject(['status', '--json', second.executionId])).stdout) as { timeoutSeconds: number }).timeoutSeconds, 300);
    await inProject(['attach', second.executionId]);
    assert.equal((await inProject(['cleanup'])).code, 0);
  });

  it('--config names another file, and SMARTJOB_CONFIG does too', async () => {
    const other = join(project, 'other.json');
    await writeFile(other, JSON.stringify({ image: BUSYBOX_IMAGE, namespace: TEST_NAMESPACE, name: 'other-file', args: ['true'] }));
    for (const [args, env] of [[['--config', other]], [[], { SMARTJOB_CONFIG: other }]] as const) {
      const ran = await inProject(['run', '--json', ...args], env);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal((JSON.parse(ran.stdout) as { jobName: string }).jobName, 'other-file');
    }
    await inProject(['cleanup']);
  });
});
