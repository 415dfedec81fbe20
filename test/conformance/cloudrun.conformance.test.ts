import { FakeCloudRun } from '../fakes/cloudrun/fake-cloud-run.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { fakeGcpBackend } from './fake-gcp-backend.js';

/** Cloud Run against a fake that runs each execution as a container, the staging bucket's directory at /staging. */
describeExecutorConformance('cloudrun (official client, gRPC fake)', () =>
  fakeGcpBackend('cloudrun', ({ bucketDirs, docker }) => FakeCloudRun.start({ bucketDirs, docker })));
