// Run as `node --import tsx bench/startup-child.ts [--control]`: a fresh process that imports the package,
// builds a Cloud Run and a Vertex AI service, runs one Docker job and reports which modules got loaded.
// No static import of src/: it must be timed.
import { createRequire, register } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';

const mainStartedMs = performance.now(); // since process start: node + tsx boot
const resolved: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => resolved.push(url));
port1.unref();
register('./lib/record-resolve-hook.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });

const t0 = performance.now();
const sdk = await import('../src/index.js');
const importMs = performance.now() - t0;

const { BENCH_NAMESPACE: namespace = 'benchstartup', BENCH_STAGING_DIR: hostDir } = process.env;
if (!hostDir) throw new Error('BENCH_STAGING_DIR is required');
// Building the cloud services is synchronous and loads nothing: their clients load on their first call.
const gcp = { project: 'startup-check', region: 'europe-west4', stagingBucket: 'gs://startup-check' };
sdk.getExecutorService('cloudrun', { useCache: false, cloudrun: gcp });
sdk.getExecutorService('vertex', { useCache: false, vertex: gcp });
const t1 = performance.now();
const service = sdk.getExecutorService('docker', { useCache: false, docker: { networkMode: 'none', staging: { mode: 'bind', hostDir } } });
const result = await service.run({ name: 'startup', namespace, dockerImage: 'smartjob-test/busybox:local', overriddenArgs: ['true'] });
const firstJobMs = performance.now() - t1;

if (process.argv.includes('--control')) {
  // Negative control: both detection channels must see these. ESM import → hook; require() → CJS cache.
  await import('@google-cloud/storage');
  createRequire(import.meta.url)('@google-cloud/run');
}
await sleep(100); // hook messages travel on their own channel: let the last ones arrive

const isGoogle = (s: string) => /[\\/]@google-cloud[\\/]/.test(s) || s.startsWith('@google-cloud/');
const cjsLoaded = Object.keys(createRequire(import.meta.url).cache);
const esmHits = [...new Set(resolved.filter(isGoogle))];
const cjsHits = cjsLoaded.filter(isGoogle);
const report = {
  mainStartedMs, importMs, firstJobMs, success: result.success,
  esmResolved: resolved.length, cjsLoaded: cjsLoaded.length,
  esmGoogleHits: esmHits.length, cjsGoogleHits: cjsHits.length, sampleHits: [...esmHits, ...cjsHits].slice(0, 3),
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(report)}\n`);
