import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

const CLEAR_LINE = '\r\x1b[2K';

describe('CLI status line while waiting', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const args = (name: string) => `run --image ${BUSYBOX_IMAGE} --namespace ${TEST_NAMESPACE} --name ${name} -- sh -c "$JOB"`;

  it('on a terminal (a real pseudo-terminal through `script`): one line on stderr redrawn in place as the state changes', async () => {
    // script(1) gives the CLI a pty for stdin, stdout and stderr, and copies what it writes to our pipe
    const child = spawn('script', ['-qfc', `node "$CLI" ${args('tty')}`, '/dev/null'], { env: { ...fx.env, JOB: 'sleep 2; echo done' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { screen += chunk; });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, screen);
    const frames = screen.split(CLEAR_LINE).map((frame) => frame.trim()).filter((frame) => /^\S* ?docker [0-9a-f]{16} /.test(frame));
    const states = frames.map((frame) => /docker [0-9a-f]{16} ([A-Z_]+) /.exec(frame)![1]);
    assert.ok(frames.length >= 5, `redrawn in place ${frames.length} times`);
    assert.ok(states.includes('RUNNING'), states.join(' '));
    assert.equal(states.at(-1), 'SUCCEEDED', 'the line shows the state change before it is cleared');
    assert.ok(states.indexOf('SUCCEEDED') > states.lastIndexOf('RUNNING'));
    assert.ok(new Set(frames.filter((f) => f.includes('RUNNING')).map((f) => /RUNNING (\S+)/.exec(f)![1])).size >= 3, 'the elapsed time moves');
    assert.ok(frames.every((f) => f.includes('logs: docker logs')), 'with the log URL');
    assert.match(screen, /SUCCEEDED in [\d.]+s, job exit code 0/, 'then the summary');
  });

  it('elsewhere: one plain line per state change on stderr, nothing on stdout but the result', async () => {
    const { code, stdout, stderr } = await fx.sh(`node "$CLI" ${args('notty')}`, { JOB: 'sleep 2' });
    assert.equal(code, 0);
    assert.ok(!stderr.includes('\x1b['), 'no escape sequences');
    const lines = stderr.trim().split('\n');
    assert.match(lines[0]!, /^smartjob: docker execution [0-9a-f]{16} (PENDING|RUNNING) after [\d.]+s; logs: docker logs /);
    assert.match(lines.at(-1)!, /^smartjob: docker execution [0-9a-f]{16} SUCCEEDED after [\d.]+s$/);
    assert.equal(new Set(lines.map((l) => / ([A-Z_]+) after/.exec(l)![1])).size, lines.length, 'one line per state');
    assert.match(stdout, /^SUCCEEDED in /);
  });

  it('attach to an execution launched by another process polls its state: RUNNING, then its end', async () => {
    // The job runs until the test drops a file in its input directory, so attach sees it RUNNING however loaded the machine is.
    const scheduled = await fx.sh(`node "$CLI" schedule --json ${args('polled').replace('run ', '')}`, { JOB: 'until [ -e "$INPUT_PATH/go" ]; do sleep 0.1; done' });
    assert.equal(scheduled.code, 0, scheduled.stderr);
    const details = JSON.parse(scheduled.stdout) as { executionId: string; inputPath: string };
    const id = details.executionId;
    try {
      const attach = fx.start(['attach', id]);
      await attach.waitForStderr(new RegExp(`execution ${id} RUNNING`));
      await writeFile(join(fileURLToPath(details.inputPath), 'go'), '');
      const { code, stderr } = await attach.outcome;
      assert.equal(code, 0);
      assert.match(stderr, new RegExp(`^smartjob: docker execution ${id} RUNNING after .*\\nsmartjob: docker execution ${id} SUCCEEDED after [\\d.]+s\\n$`));
    } finally {
      await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
    }
  });

  it('--quiet prints no status at all', async () => {
    const { code, stderr } = await fx.sh(`node "$CLI" --quiet ${args('quiet')}`, { JOB: 'true' });
    assert.equal(code, 0);
    assert.equal(stderr, '');
  });
});
