import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import { containerSpec, labelsFor, logCommand, statusFromInspect } from '../../../src/infra/docker/docker-mapper.js';
import { parseRecord } from '../../../src/infra/shared/execution-record.js';
import { launchSpec } from '../../support/launch-spec.js';

const bind = { staging: { mode: 'bind' as const, hostDir: '/srv/staging' }, networkMode: 'none' };
const spec = launchSpec({ name: 'job' }, { timeout: { timeoutSeconds: 60 }, labels: { team: 'data', smartjob: 'x' } }, 'abc123', new Date('2026-01-02T03:04:05Z'));

/** What `container.inspect()` answers for the container of `spec`. */
function inspected(state: Partial<Docker.ContainerInspectInfo['State']>, name = '/smartjob-ns-job-abc123'): Docker.ContainerInspectInfo {
  const never = '0001-01-01T00:00:00Z';
  return {
    Name: name,
    Config: { Labels: labelsFor(spec) },
    State: { Status: 'created', ExitCode: 0, OOMKilled: false, Error: '', StartedAt: never, FinishedAt: never, ...state },
  } as unknown as Docker.ContainerInspectInfo;
}
const exited = (ExitCode: number, extra: object = {}) => ({ Status: 'exited', ExitCode, StartedAt: '2026-01-02T03:04:06Z', FinishedAt: '2026-01-02T03:04:09Z', ...extra });

describe('Docker mapper: the container of a launch', () => {
  it('bind-mounts the staging directory at /staging, sets the command, env, record labels and limits', () => {
    const options = containerSpec(launchSpec({ name: 'job' }, { cpu: 1.5, memoryGb: 0.5 }, 'abc123'), bind);
    assert.equal(options.name, 'smartjob-ns-job-abc123');
    assert.equal(options.Image, 'example/image:1');
    assert.deepEqual(options.Cmd, ['sh', '-c', 'exit 0']);
    assert.ok(options.Env?.includes('EXECUTION_ID=abc123'));
    assert.equal(options.Labels?.smartjob_execution_id, 'abc123');
    assert.deepEqual(options.HostConfig, {
      Init: true, NetworkMode: 'none', Binds: ['/srv/staging:/staging'], Mounts: undefined,
      Memory: 536_870_912, MemorySwap: 536_870_912, NanoCpus: 1_500_000_000,
    });
  });

  it('mounts a named volume instead in volume mode, and keeps the image command when there are no args', () => {
    const options = containerSpec(launchSpec({ overriddenArgs: [] }), { staging: { mode: 'volume', volumeName: 'vol', helperImage: 'busybox' }, networkMode: undefined });
    assert.equal(options.Cmd, undefined);
    assert.deepEqual(options.HostConfig?.Mounts, [{ Type: 'volume', Source: 'vol', Target: '/staging' }]);
    assert.equal(options.HostConfig?.Binds, undefined);
    assert.equal(options.HostConfig?.Memory, undefined);
  });

  it('passes secretEnvs in the environment only: never in the labels', () => {
    const options = containerSpec(launchSpec({ secretEnvs: { TOKEN: 'hush-hush' } }), bind);
    assert.ok(options.Env?.includes('TOKEN=hush-hush'));
    assert.ok(!JSON.stringify(options.Labels).includes('hush-hush'));
  });

  it('records the execution in labels; user labels are namespaced and never overwrite it', () => {
    const labels = labelsFor(spec);
    assert.equal(labels['smartjob.user.team'], 'data');
    assert.equal(labels.smartjob, 'true');
    assert.deepEqual(parseRecord(labels), { executionId: 'abc123', jobNamespace: 'ns', jobName: 'job', baseDir: 'ns-job/2026-01-02/0304/abc123', timeoutSeconds: 60, created: spec.created });
  });
});

describe('Docker mapper: the status of a container', () => {
  it('reads created, running and each way a container ends', () => {
    assert.equal(statusFromInspect(inspected({}))?.state, 'PENDING');
    assert.equal(statusFromInspect(inspected({ Status: 'running', StartedAt: '2026-01-02T03:04:06Z' }))?.state, 'RUNNING');
    const succeeded = statusFromInspect(inspected(exited(0)));
    assert.deepEqual(succeeded, {
      executionId: 'abc123', jobNamespace: 'ns', jobName: 'job', baseDir: 'ns-job/2026-01-02/0304/abc123', timeoutSeconds: 60, created: spec.created,
      state: 'SUCCEEDED', started: new Date('2026-01-02T03:04:06Z'), stopped: new Date('2026-01-02T03:04:09Z'), exitCode: 0, message: undefined,
      logUrl: logCommand('abc123'),
    });
    const failed = statusFromInspect(inspected(exited(3, { Error: 'boom' })));
    assert.deepEqual([failed?.state, failed?.exitCode, failed?.message], ['FAILED', 3, 'the job exited with code 3: boom']);
    assert.match(statusFromInspect(inspected(exited(137, { OOMKilled: true })))?.message ?? '', /out of memory/);
  });

  it('says a job killed or stopped from outside (exit 128+N without OOM) was, and that it was not out of memory', () => {
    const killed = statusFromInspect(inspected(exited(137)));
    assert.deepEqual([killed?.state, killed?.exitCode], ['FAILED', 137]);
    assert.match(killed?.message ?? '', /^the job was killed by SIGKILL .*docker kill.* \(exit code 137\) from outside smartjob; not out of memory$/);
    assert.match(statusFromInspect(inspected(exited(143)))?.message ?? '', /stopped by SIGTERM/);
    assert.equal(statusFromInspect(inspected(exited(140)))?.message, 'the job exited with code 140', 'no signal name guessed for others');
  });

  it('tells a timeout and a cancellation from a failure by the stop marker in the name', () => {
    const timedOut = statusFromInspect(inspected(exited(137), '/smartjob-ns-job-abc123--timed-out'));
    assert.deepEqual([timedOut?.state, timedOut?.message], ['TIMED_OUT', 'timeout of 60s reached: the container was stopped']);
    assert.equal(statusFromInspect(inspected(exited(143), '/smartjob-ns-job-abc123--cancelled'))?.state, 'CANCELLED');
    assert.equal(statusFromInspect(inspected({}, '/smartjob-ns-job-abc123--cancelled'))?.message, 'cancelled before it started');
    assert.equal(statusFromInspect(inspected({}, '/smartjob-ns-job-abc123--timed-out'))?.state, 'TIMED_OUT');
  });

  it('never reports a stop before the start, and ignores containers without a record', () => {
    const early = statusFromInspect(inspected(exited(0, { StartedAt: '2026-01-02T03:04:06.500Z', FinishedAt: '2026-01-02T03:04:06.400Z' })));
    assert.deepEqual(early?.stopped, early?.started);
    const foreign = { ...inspected(exited(0)), Config: { Labels: { smartjob: 'true', 'smartjob.role': 'staging-helper' } } };
    assert.equal(statusFromInspect(foreign as unknown as Docker.ContainerInspectInfo), undefined);
  });
});
