import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { getExecutorService } from '../../src/app/executor-factory.js';
import { BackendUnavailableError } from '../../src/domain/errors.js';
import type { ExecutionResult } from '../../src/domain/result.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';
import { filesUnder, job } from '../integration/docker/fixture.js';
import { BUSYBOX_IMAGE, requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { PrivateDockerd } from './private-dockerd.js';

// Fault table, rows about the Docker daemon itself. They stop and start a private second daemon, never the
// shared one (other suites, and other people, use it).
describe('faults: the Docker daemon goes away', { timeout: 240_000 }, () => {
  let shared: Docker;
  let daemon: PrivateDockerd;
  let stagingDir: string;
  const logger = new RecordingLogger();
  const serviceFor = (docker: Docker, reconnectSeconds: number): ExecutorService =>
    getExecutorService('docker', {
      useCache: false, logger,
      docker: { docker, networkMode: 'none', staging: { mode: 'bind', hostDir: stagingDir }, stopGraceSeconds: 1, reconnectSeconds },
    });
  const containersOnPrivate = () => daemon.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.managed}=true`] } });
  const whenStarted = (service: ExecutorService) => new Promise<string>((resolve) => { service.on('started', (e) => resolve(e.executionId)); });
  const stagedFiles = async () => (await filesUnder(stagingDir)).filter((f) => !f.endsWith('/') && /\/(input|output)\//.test(f));

  before(async () => {
    shared = await requireDocker();
    daemon = await PrivateDockerd.create();
    stagingDir = await mkdtemp(join(tmpdir(), 'sj-daemon-'));
    await daemon.start({ liveRestore: true });
    await daemon.loadImageFrom(shared, BUSYBOX_IMAGE);
  });
  after(async () => {
    await daemon?.destroy();
    await rm(stagingDir, { recursive: true, force: true });
    await shared.ping(); // the shared daemon never noticed
  });

  it('coexists with the shared daemon: each sees only its own containers', async () => {
    const created = await daemon.docker.createContainer({ Image: BUSYBOX_IMAGE, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    try {
      assert.equal((await shared.listContainers({ all: true, filters: { id: [created.id] } })).length, 0);
      assert.equal((await daemon.docker.listContainers({ all: true, filters: { id: [created.id] } })).length, 1);
    } finally {
      await created.remove({ force: true });
    }
  });

  it('stopped mid-run and started again (live-restore): run resolves with the real result, nothing left', async () => {
    const service = serviceFor(daemon.docker, 60);
    const started = whenStarted(service);
    const running = service.run(job('survives', 'sleep 4; echo \'{"survived":true}\' > "$OUTPUT_PATH/smartjob.json"'));
    await started;
    await daemon.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await daemon.start({ liveRestore: true });
    const result = await running;
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.deepEqual(result.jsonOutput, { survived: true });
    assert.deepEqual(await containersOnPrivate(), [], 'run() released its container once the daemon was back');
  });

  it('down for longer than reconnectSeconds: run fails with BackendUnavailableError; attach afterwards gives the truth; cleanup leaves nothing', async () => {
    const service = serviceFor(daemon.docker, 1);
    const started = whenStarted(service);
    const running = service.run(job('outlived', 'sleep 3; echo \'{"late":true}\' > "$OUTPUT_PATH/smartjob.json"'));
    const executionId = await started;
    await daemon.stop();
    await assert.rejects(running, (e: unknown) => e instanceof BackendUnavailableError && /still after \d+ s.*attach to it/.test(e.message));
    await daemon.start({ liveRestore: true });
    const listed = await service.list({ namespace: TEST_NAMESPACE });
    assert.ok(listed.some((s) => s.executionId === executionId), 'the execution is listed, not lost');
    const truth = await service.attach(executionId);
    assert.deepEqual([truth.state, truth.jsonOutput], ['SUCCEEDED', { late: true }], 'the container survived the stop and finished');
    assert.ok((await service.cleanup({ namespace: TEST_NAMESPACE })).removed.includes(executionId));
    assert.deepEqual(await containersOnPrivate(), []);
    assert.deepEqual(await stagedFiles(), []);
  });

  it('unreachable at run: BackendUnavailableError at once (no retry), nothing staged', async () => {
    const service = serviceFor(daemon.docker, 1);
    assert.equal((await service.run(job('warm', 'true'))).state, 'SUCCEEDED'); // the image is now known: no inspect before the next run
    await service.cleanup({ namespace: TEST_NAMESPACE });
    await daemon.stop();
    const retries: unknown[] = [];
    service.on('retrying', (e) => void retries.push(e));
    const absent = serviceFor(new Docker({ socketPath: join(stagingDir, 'no-daemon.sock') }), 1);
    for (const s of [service, absent]) {
      await assert.rejects(s.run(job('unreachable', 'true')), (e: unknown) => e instanceof BackendUnavailableError && e.code === 'BACKEND_UNAVAILABLE' && /is the Docker daemon running\?/.test(e.message));
    }
    assert.deepEqual(retries, []);
    assert.deepEqual(await stagedFiles(), []);
    assert.ok(!(await filesUnder(stagingDir)).some((f) => f.includes('unreachable')), 'no staging directory was created');
  });

  it('stopped mid-run without live-restore (the container dies with it): run resolves or fails typed; attach gives FAILED 143; nothing left', async (t) => {
    await daemon.start({ liveRestore: false });
    const service = serviceFor(daemon.docker, 1);
    const started = whenStarted(service);
    const running = service.run(job('dies', 'sleep 60'));
    const executionId = await started;
    await daemon.stop();
    const outcome: ExecutionResult | Error = await running.catch((e: Error) => e);
    if (outcome instanceof Error) assert.ok(outcome instanceof BackendUnavailableError, String(outcome));
    else assert.deepEqual([outcome.state, outcome.exitCode], ['FAILED', 143]); // the daemon answered the wait before it went
    t.diagnostic(`run gave ${outcome instanceof Error ? outcome.name : `a ${outcome.state} result`}`);
    await daemon.start({ liveRestore: false });
    const truth = await service.attach(executionId);
    assert.deepEqual([truth.state, truth.exitCode], ['FAILED', 143]);
    assert.match(truth.message ?? '', /stopped by SIGTERM .*daemon shutting down/);
    await service.cleanup({ namespace: TEST_NAMESPACE });
    assert.deepEqual(await containersOnPrivate(), []);
    assert.deepEqual(await stagedFiles(), []);
  });
});
