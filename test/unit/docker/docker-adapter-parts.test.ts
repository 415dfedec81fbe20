import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Docker from 'dockerode';
import { resolveExecutionConfig } from '../../../src/domain/execution-config.js';
import { DockerExecutorAdapter } from '../../../src/infra/docker/docker-executor.adapter.js';
import { labelsFor } from '../../../src/infra/docker/docker-labels.js';
import { parseRecord } from '../../../src/infra/shared/execution-record.js';
import { launchSpec } from '../../support/launch-spec.js';
import { demuxLines } from '../../../src/infra/docker/docker-logs.js';
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

  it('records everything needed to rebuild a result in labels, and reads it back', () => {
    const spec = launchSpec({ name: 'job' }, { timeout: { timeoutSeconds: 60 }, labels: { team: 'data', smartjob: 'x' } }, 'abc123', new Date('2026-01-02T03:04:05Z'));
    const labels = labelsFor(spec);
    assert.equal(labels['smartjob.user.team'], 'data');
    assert.equal(labels.smartjob, 'true', 'a user label cannot overwrite the SDK marker');
    assert.deepEqual(parseRecord(labels), { executionId: 'abc123', jobNamespace: 'ns', jobName: 'job', baseDir: 'ns-job/2026-01-02/0304/abc123', timeoutSeconds: 60, created: spec.created });
    assert.equal(parseRecord({ smartjob: 'true' }), undefined);
  });

  it('names the settings Docker ignores, so the service can warn about them', () => {
    const adapter = new DockerExecutorAdapter({ docker: new Docker(), staging: { mode: 'bind', hostDir: '/tmp' }, networkMode: 'none', pullPolicy: 'never', stopGraceSeconds: 1, removeOnFinish: false });
    const config = resolveExecutionConfig({ project: 'my-project-1', machineType: 'n2-standard-4', cpu: 1, memoryGb: 1, retry: { maxAttemptsExecute: 2 } });
    assert.deepEqual(adapter.unsupportedSettings(config), ['project', 'machineType', 'retry.maxAttemptsExecute (Docker never re-runs a job)']);
  });

  it('stages in a named volume when DOCKER_HOST is a remote daemon, else in a host directory', () => {
    assert.deepEqual(defaultStaging({ DOCKER_HOST: 'tcp://build-host.example:2376' }), { mode: 'volume', volumeName: 'smartjob-staging' });
    assert.equal(defaultStaging({ DOCKER_HOST: 'tcp://127.0.0.1:2375', SMARTJOB_DOCKER_STAGING_DIR: '/srv/st' }).mode, 'bind');
    assert.deepEqual(defaultStaging({ SMARTJOB_DOCKER_STAGING_DIR: '/srv/st' }), { mode: 'bind', hostDir: '/srv/st' });
  });
});
