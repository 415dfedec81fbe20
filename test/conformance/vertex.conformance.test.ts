import { FakeVertex } from '../fakes/vertex/fake-vertex.js';
import { TEST_PROJECT } from '../support/service-config.js';
import { describeGcpConformance } from './gcp-conformance.js';

/** The staging bucket describeGcpConformance stages in: Vertex jobs see it at /gcs/<bucket> (Cloud Storage FUSE). */
const STAGING_BUCKET = 'smartjob-staging';

/** Vertex AI: job names carrying the project number, as Vertex writes them. */
describeGcpConformance('vertex (official client, gRPC fake)', 'vertex', (options) =>
  FakeVertex.start({ ...options, buckets: [STAGING_BUCKET], projectNumbers: { [TEST_PROJECT]: '424242424242' } }));
