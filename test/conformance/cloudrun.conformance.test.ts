import { FakeCloudRun } from '../fakes/cloudrun/fake-cloud-run.js';
import { describeGcpConformance } from './gcp-conformance.js';

/** Cloud Run: the staging bucket mounted at /staging in each execution's container. */
describeGcpConformance('cloudrun (official client, gRPC fake)', 'cloudrun', (options) => FakeCloudRun.start(options));
