import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { FakeCloudRun } from '../fakes/cloudrun/fake-cloud-run.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';
import { job } from '../integration/docker/fixture.js';
import { containersOf, requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { buildService, type ServiceConfig } from '../support/service-config.js';

const CHILD = fileURLToPath(new URL('./sdk-child.ts', import.meta.url));
const IN_FLIGHT = 4;

/** Starts the SDK child with IN_FLIGHT runs, sends `signal` once all have started, and returns their ids and how it ended. */
async function interruptedChild(config: ServiceConfig, name: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config), JSON.stringify(job(name, 'sleep 4; echo \'{"ran":true}\' > "$OUTPUT_PATH/smartjob.json"')), String(IN_FLIGHT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig })));
  const started = new Set<string>();
  for await (const line of createInterface({ input: child.stdout! })) {
    const event = JSON.parse(line) as { started?: string; finished?: unknown };
    assert.equal(event.finished, undefined, 'the runs ended before the signal');
    if (event.started) started.add(event.started);
    if (started.size === IN_FLIGHT) break;
  }
  child.kill(signal);
  return { ids: [...started].sort(), exit: await ended };
}

// Fault table, SIGINT/SIGTERM row. Documented behaviour: the SDK installs no signal handler, so the process ends
// as Node ends it, and its executions go on: `list` shows them, `attach` from any process gets their result,
// `cleanup` removes them. (The CLI, which owns its process, cancels on Ctrl-C instead.)
describe('faults: SIGINT/SIGTERM to an SDK process with 4 executions in flight', { timeout: 240_000 }, () => {
  let stagingDir: string;
  let gcs: GcsFake;
  let cloudRun: FakeCloudRun;
  before(async () => {
    const docker = await requireDocker();
    stagingDir = await mkdtemp(join(tmpdir(), 'sj-signal-'));
    gcs = await startGcsFake();
    await mkdir(gcs.bucketDir('signal-staging'), { recursive: true });
    cloudRun = await FakeCloudRun.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker });
  });
  after(async () => {
    await cloudRun?.close();
    await gcs?.close();
    await rm(stagingDir, { recursive: true, force: true });
  });

  const backends: [string, () => ServiceConfig, NodeJS.Signals][] = [
    ['docker', () => ({ type: 'docker', stagingDir }), 'SIGTERM'],
    ['docker', () => ({ type: 'docker', stagingDir }), 'SIGINT'],
    ['cloudrun fake', () => ({ type: 'cloudrun', grpcPort: cloudRun.port, gcsEndpoint: gcs.endpoint, stagingBucket: 'gs://signal-staging' }), 'SIGTERM'],
  ];
  for (const [backend, config, signal] of backends) {
    it(`${backend}, ${signal}: the process ends by the signal; the executions are listed, attachable and cleaned up`, async () => {
      const name = `sig-${signal.toLowerCase()}`;
      const { ids, exit } = await interruptedChild(config(), name, signal);
      assert.deepEqual(exit, { code: null, signal }, 'ended by the signal: no handler intercepted it');
      const service: ExecutorService = buildService(config(), new RecordingLogger());
      try {
        const listed = await service.list({ namespace: TEST_NAMESPACE, name });
        assert.deepEqual(listed.map((s) => s.executionId).sort(), ids, 'every execution is listed');
        assert.ok(listed.every((s) => s.state === 'RUNNING' || s.state === 'SUCCEEDED'), listed.map((s) => s.state).join());
        const results = await Promise.all(ids.map((id) => service.attach(id)));
        assert.deepEqual(results.map((r) => [r.state, r.jsonOutput]), ids.map(() => ['SUCCEEDED', { ran: true }]));
        assert.deepEqual((await service.cleanup({ namespace: TEST_NAMESPACE })).removed.filter((id) => ids.includes(id)).sort(), ids);
        assert.deepEqual(await service.list({ namespace: TEST_NAMESPACE, name }), []);
        if (backend === 'docker') assert.deepEqual(await containersOf(await requireDocker()), []);
        else assert.deepEqual(await cloudRun.containers(), []);
      } finally {
        await service.close();
      }
    });
  }
});
