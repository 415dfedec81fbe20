import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Docker from 'dockerode';
import { ignoredSettings, resolveExecutionConfig } from '../../../src/domain/execution-config.js';
import { DockerExecutorAdapter } from '../../../src/infra/docker/docker-executor.adapter.js';
import { demuxLines, MAX_LOG_LINE_CHARS } from '../../../src/infra/docker/docker-logs.js';
import { defaultStaging } from '../../../src/infra/docker/docker-options.js';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe('Docker adapter parts (no daemon)', () => {
  it('demultiplexes frames split anywhere into lines tagged by stream', async () => {
    const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err\n'), frame(1, 'o\nthré'), frame(1, 'e')]);
    const chunks = [all.subarray(0, 3), all.subarray(3, 13), all.subarray(13, 30), all.subarray(30)];
    const lines = [];
    for await (const line of demuxLines(chunks)) lines.push(line);
    assert.deepEqual(lines, [
      { stream: 'stdout', line: 'one' },
      { stream: 'stderr', line: 'err' },
      { stream: 'stdout', line: 'two' },
      { stream: 'stdout', line: 'thrée' },
    ]);
  });

  it('cuts a line longer than MAX_LOG_LINE_CHARS into pieces, ended or not: a job printing without newlines cannot fill memory', async () => {
    const long = 'x'.repeat(MAX_LOG_LINE_CHARS * 2 + 5);
    const frames = [frame(1, `${long}\n`), ...Array.from({ length: 5 }, () => frame(2, 'y'.repeat(MAX_LOG_LINE_CHARS / 2)))];
    const lines = [];
    for await (const line of demuxLines(frames)) lines.push(line);
    assert.deepEqual(lines.map((l) => [l.stream, l.line.length]), [
      ['stdout', MAX_LOG_LINE_CHARS], ['stdout', MAX_LOG_LINE_CHARS], ['stdout', 5],
      ['stderr', MAX_LOG_LINE_CHARS], ['stderr', MAX_LOG_LINE_CHARS], ['stderr', MAX_LOG_LINE_CHARS / 2],
    ]);
  });

  it('names the settings Docker ignores, so the service can warn about them', () => {
    const adapter = new DockerExecutorAdapter({ docker: new Docker(), staging: { mode: 'bind', hostDir: '/tmp' }, networkMode: 'none', pullPolicy: 'never', stopGraceSeconds: 1, removeOnFinish: false, reconnectSeconds: 0 });
    const config = resolveExecutionConfig({ project: 'my-project-1', machineType: 'n2-standard-4', cpu: 1, memoryGb: 1, retry: { maxAttemptsExecute: 2 } });
    assert.deepEqual(ignoredSettings(config, adapter.supportedSettings), ['project', 'machineType', 'retry.maxAttemptsExecute (this backend never re-runs a job)']);
  });

  it('stages in a named volume when DOCKER_HOST is a remote daemon, else in a host directory', () => {
    assert.deepEqual(defaultStaging({ DOCKER_HOST: 'tcp://build-host.example:2376' }), { mode: 'volume', volumeName: 'smartjob-staging' });
    assert.equal(defaultStaging({ DOCKER_HOST: 'tcp://127.0.0.1:2375', SMARTJOB_DOCKER_STAGING_DIR: '/srv/st' }).mode, 'bind');
    assert.deepEqual(defaultStaging({ SMARTJOB_DOCKER_STAGING_DIR: '/srv/st' }), { mode: 'bind', hostDir: '/srv/st' });
  });
});
