import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { googleAuthLibrary, grpc } from 'google-gax';
import { VertexApi } from '../../../src/infra/gcp/vertex/vertex-api.js';

const SERVICE = { project: 'my-project', region: 'europe-west4' };
/** Never the default credential lookup: it would probe the metadata server. */
const auth = () => ({ authClient: new googleAuthLibrary.PassThroughClient() });

/** The gRPC channel the client of a resource's region would use: built by initialize(), not connected. */
async function channelOf(api: VertexApi, resourceName: string): Promise<grpc.Channel> {
  const client = await api.clientFor(resourceName);
  const stub = (await client.initialize()) as unknown as grpc.Client;
  return stub.getChannel() as grpc.Channel;
}

describe('Vertex AI endpoints', () => {
  it('talks to <region>-aiplatform.googleapis.com of the resource\'s region by default, one client per endpoint', async () => {
    const api = new VertexApi(SERVICE, auth());
    try {
      const central = await channelOf(api, 'projects/my-project/locations/us-central1/customJobs/123');
      assert.equal(central.getTarget(), 'dns:us-central1-aiplatform.googleapis.com:443');
      assert.equal((await channelOf(api, api.location)).getTarget(), 'dns:europe-west4-aiplatform.googleapis.com:443');
      assert.equal(await api.clientFor('projects/other/locations/us-central1'), await api.clientFor('projects/my-project/locations/us-central1/customJobs/1'));
      assert.equal(central.getConnectivityState(false), grpc.connectivityState.IDLE, 'nothing was asked of Google');
    } finally {
      await api.close();
    }
  });

  it('lists the accelerator types from the package\'s protos without building a client (no credentials looked up)', async () => {
    let clientsBuilt = 0;
    const counting = { get authClient() { clientsBuilt++; return new googleAuthLibrary.PassThroughClient(); } };
    const api = new VertexApi(SERVICE, counting);
    try {
      const types = await api.acceleratorTypes();
      assert.ok(types.includes('NVIDIA_L4') && types.includes('NVIDIA_TESLA_T4'), types.join());
      assert.equal(clientsBuilt, 0);
      await api.clientFor(api.location);
      assert.equal(clientsBuilt, 1, 'the count sees a client being built');
    } finally {
      await api.close();
    }
  });

  it('lets an explicit clientOptions.apiEndpoint win, whatever the region', async () => {
    const api = new VertexApi(SERVICE, { ...auth(), apiEndpoint: '127.0.0.1', port: 1, sslCreds: grpc.credentials.createInsecure() });
    try {
      assert.equal((await channelOf(api, 'projects/my-project/locations/us-central1/customJobs/1')).getTarget(), 'dns:127.0.0.1:1');
      assert.equal(await api.clientFor('projects/my-project/locations/us-central1'), await api.clientFor(api.location));
    } finally {
      await api.close();
    }
  });
});
