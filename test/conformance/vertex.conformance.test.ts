import { FakeVertex } from '../fakes/vertex/fake-vertex.js';
import { TEST_PROJECT } from '../support/service-config.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { fakeGcpBackend } from './fake-gcp-backend.js';

/**
 * Vertex AI against a fake that runs each CustomJob as a container, the staging bucket's directory at
 * /gcs/<bucket> (as Cloud Storage FUSE shows it), job names carrying the project number as Vertex writes them.
 */
describeExecutorConformance('vertex (official client, gRPC fake)', () =>
  fakeGcpBackend('vertex', ({ bucketDirs, docker, bucket }) =>
    FakeVertex.start({ bucketDirs, docker, buckets: [bucket], projectNumbers: { [TEST_PROJECT]: '424242424242' } })));
