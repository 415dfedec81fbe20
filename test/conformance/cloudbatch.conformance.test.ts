import { FakeCloudBatch } from '../fakes/cloudbatch/fake-cloud-batch.js';
import { describeGcpConformance } from './gcp-conformance.js';

describeGcpConformance('cloudbatch (official client, gRPC fake)', 'cloudbatch', (options) => FakeCloudBatch.start(options));
