import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { getExecutorService } from '../../../src/app/executor-factory.js';
import type { ExecutorService } from '../../../src/domain/services/executor.service.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { containersOf, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';

export interface DockerFixture {
  readonly docker: Docker;
  readonly stagingDir: string;
  readonly service: ExecutorService;
  readonly logger: RecordingLogger;
  serviceWith(options: { maxWorkers?: number; removeOnFinish?: boolean }): ExecutorService;
  /** Asserts no container of this test process is left, then removes the staging directory. */
  close(): Promise<void>;
}

/** A Docker-backed service on a private staging directory; containers use network mode none. */
export async function dockerFixture(): Promise<DockerFixture> {
  const docker = await requireDocker();
  const stagingDir = await mkdtemp(join(tmpdir(), 'sj-staging-'));
  const logger = new RecordingLogger();
  const serviceWith = (options: { maxWorkers?: number; removeOnFinish?: boolean }) =>
    getExecutorService('docker', {
      useCache: false,
      maxWorkers: options.maxWorkers ?? 4,
      logger,
      docker: { networkMode: 'none', staging: { mode: 'bind', hostDir: stagingDir }, stopGraceSeconds: 1, removeOnFinish: options.removeOnFinish },
    });
  return {
    docker,
    stagingDir,
    logger,
    service: serviceWith({}),
    serviceWith,
    async close() {
      const left = await containersOf(docker);
      await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
      await rm(stagingDir, { recursive: true, force: true });
      assert.deepEqual(left.map((c) => c.Names[0]), [], 'containers left behind by the suite');
    },
  };
}

export const job = (name: string, script: string, image = 'smartjob-test/busybox:local') => ({
  name,
  namespace: TEST_NAMESPACE,
  dockerImage: image,
  overriddenArgs: ['sh', '-c', script],
});

/** Every file under `dir`, relative; to prove nothing was staged. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}
