import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { NotSupportedError, ValidationError } from '../../src/domain/errors.js';
import type { ExecutionResult } from '../../src/domain/result.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';
import { FakeCloudBatch } from '../fakes/cloudbatch/fake-cloud-batch.js';
import { FakeCloudRun } from '../fakes/cloudrun/fake-cloud-run.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';
import type { FakeSecretStore } from '../fakes/shared/secret-store.js';
import { cliFixture, type CliFixture } from '../integration/cli/cli-harness.js';
import { filesUnder, dockerFixture, job, type DockerFixture } from '../integration/docker/fixture.js';
import { BUSYBOX_IMAGE, requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { buildService, TEST_PROJECT, TEST_REGION } from '../support/service-config.js';

const SECRET = 'pa55-w0rd-NEVER-SHOWN';
const SECRET_VERSION = `projects/${TEST_PROJECT}/secrets/api-token/versions/2`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The job proves it got the value without printing it: its hash goes into smartjob.json. */
const HASH_TOKEN = 'echo "plain is $PLAIN"; echo "{\\"sha\\": \\"$(printf %s "$TOKEN" | sha256sum | cut -d" " -f1)\\"}" > "$OUTPUT_PATH/smartjob.json"';
const BUCKET = 'secret-staging';

/** Everything collected, as one string: the leak check looks for the value in it. */
function leakCheck(everything: unknown[]): void {
  const text = JSON.stringify(everything, (_, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}\n${v.stack} ${String(v.cause)}` : v));
  assert.ok(text.includes('plain is visible') || text.includes(sha256(SECRET)), 'the check does see what the run gave');
  assert.ok(!text.includes(SECRET), 'the secret leaked');
}

/** A cloud fake holding the secret version, its GCS fake and a service on them, for one describe; closed after it. */
function useSecretRefFake<F extends { readonly port: number; readonly secrets: FakeSecretStore; close(): Promise<void> }>(
  type: 'cloudrun' | 'cloudbatch',
  start: (bucketDirs: (bucket: string) => string, docker: Docker) => Promise<F>,
): { fake: F; service: ExecutorService; readonly logger: RecordingLogger } {
  const ctx = { logger: new RecordingLogger() } as { fake: F; service: ExecutorService; readonly logger: RecordingLogger };
  let gcs: GcsFake | undefined;
  before(async () => {
    const docker = await requireDocker();
    gcs = await startGcsFake();
    await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
    ctx.fake = await start((bucket) => gcs!.bucketDir(bucket), docker);
    ctx.fake.secrets.versions.set(SECRET_VERSION, SECRET);
    ctx.service = buildService({ type, grpcPort: ctx.fake.port, gcsEndpoint: gcs.endpoint, stagingBucket: `gs://${BUCKET}` }, ctx.logger);
  });
  after(async () => {
    await ctx.service?.cleanup({ namespace: TEST_NAMESPACE });
    await ctx.service?.close();
    await ctx.fake?.close();
    await gcs?.close();
  });
  return ctx;
}

/** Errors of calls that get secrets wrong: bad names, a clash, a value where a reference belongs, the other backend's kind. */
async function badSecretErrors(service: ExecutorService): Promise<Error[]> {
  const calls = [
    () => service.run({ ...job('badsecret', 'true'), secretEnvs: { TOKEN: 42 } as never }),
    () => service.run({ ...job('badsecret', 'true'), secretEnvs: { 'BAD NAME': SECRET } }),
    () => service.run({ ...job('badsecret', 'true'), secretEnvs: { INPUT_PATH: SECRET } }),
    () => service.run(job('clash', 'true'), { addEnvs: { TOKEN: 'x' }, secretEnvs: { TOKEN: SECRET } }),
    () => service.run(job('valueasref', 'true'), { secretRefs: { TOKEN: SECRET } }),
  ];
  const errors: Error[] = [];
  for (const call of calls) await call().catch((e: Error) => errors.push(e));
  assert.equal(errors.length, calls.length);
  return errors;
}

// Fault table, secrets: nothing the SDK prints or returns (logs, results, status, list, errors, CLI output with
// --debug) holds a secret value, on Docker (values passed in the container's env) and on Cloud Run and Batch (Secret
// Manager references, resolved by the platform; plain values are refused there because the Execution or the Job
// would record them: both can be read back by whoever can read the job).
describe('faults: secrets are never shown', { timeout: 240_000 }, () => {
  describe('Docker: secretEnvs', () => {
    let fx: DockerFixture;
    before(async () => { fx = await dockerFixture(); });
    after(async () => { await fx.close(); });

    it('the job sees the value; nothing the SDK returned, logged, labelled or kept contains it', async () => {
      const seen: unknown[] = [];
      const { details, result } = await fx.service.schedule({ ...job('secret', HASH_TOKEN), secretEnvs: { TOKEN: SECRET } }, { addEnvs: { PLAIN: 'visible' } });
      seen.push(details);
      const outcome = await result;
      seen.push(outcome, await fx.service.getStatus(outcome.executionId), await fx.service.list({}));
      for await (const line of fx.service.logs(outcome.executionId)) seen.push(line);
      assert.deepEqual(outcome.jsonOutput, { sha: sha256(SECRET) });

      const forgotten = await fx.service.schedule({ ...job('secret2', 'sleep 5'), secretEnvs: { TOKEN: SECRET } }, { forget: true });
      const [container] = await fx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${forgotten.details.executionId}`] } });
      seen.push(container!.Labels, (await fx.docker.getContainer(container!.Id).inspect()).Config.Labels);
      await fx.service.cancel(forgotten.details.executionId);
      seen.push(await fx.service.attach(forgotten.details.executionId));
      await fx.service.cleanup({ namespace: TEST_NAMESPACE, olderThanSeconds: 0 });

      const errors = await badSecretErrors(fx.service);
      assert.deepEqual(errors.map((e) => e.name), ['ValidationError', 'ValidationError', 'ValidationError', 'ValidationError', 'ValidationError']);
      const refused = await fx.service.run(job('ref', 'true'), { secretRefs: { TOKEN: SECRET_VERSION } }).catch((e: Error) => e);
      assert.ok(refused instanceof NotSupportedError && /docker backend cannot read Secret Manager references \(`secretRefs`: TOKEN\); pass the values with `secretEnvs`/.test(refused.message), String(refused));
      const kept = await Promise.all((await filesUnder(fx.stagingDir)).filter((f) => /\.(json|jsonl)$/.test(f)).map((f) => readFile(join(fx.stagingDir, f), 'utf8')));
      leakCheck([seen, errors, refused, fx.logger.lines, kept]);
    });
  });

  /** A cloud fake holding SECRET in its Secret Manager, the service on it, and what its record of launches holds. */
  interface SecretRefBackend {
    readonly service: ExecutorService;
    readonly secrets: FakeSecretStore;
    readonly logger: RecordingLogger;
    /** TOKEN as each launch's request put it (the fake keeps the request as the platform would record it). */
    tokenAsRecorded(): unknown[];
    /** Everything the fake recorded of the launches: read back in the leak check. */
    records(): unknown[];
  }

  /**
   * The platform reads the reference; the fake got only the reference; nothing returned, recorded or logged holds
   * the value; plain values and values given as references are refused; a missing version fails the job.
   */
  async function secretRefScenario(backend: SecretRefBackend, tokenRef: unknown): Promise<ExecutionResult> {
    const { service, logger } = backend;
    const seen: unknown[] = [];
    const { details, result } = await service.schedule({ ...job('secret', HASH_TOKEN), secretRefs: { TOKEN: SECRET_VERSION } }, { addEnvs: { PLAIN: 'visible' } });
    const outcome = await result;
    assert.equal(outcome.state, 'SUCCEEDED', outcome.message);
    assert.deepEqual(outcome.jsonOutput, { sha: sha256(SECRET) }, 'the job got the value');
    assert.deepEqual(backend.secrets.reads, [SECRET_VERSION]);
    assert.deepEqual(backend.tokenAsRecorded(), [tokenRef], 'the request held the reference only');
    seen.push(details, outcome, await service.getStatus(outcome.executionId), await service.list({ namespace: TEST_NAMESPACE }), backend.records());

    const errors = await badSecretErrors(service);
    assert.match(errors[3]!.message, /`secretEnvs\.TOKEN` is also given as a plain environment variable/);
    const plain = await service.run(job('plain', 'true'), { secretEnvs: { TOKEN: SECRET } }).catch((e: Error) => e);
    assert.ok(plain instanceof NotSupportedError && /backend cannot pass `secretEnvs` \(TOKEN\) .*pass `secretRefs` instead/.test(plain.message), String(plain));
    assert.ok(errors[4] instanceof ValidationError && errors[4].field === 'secretRefs.TOKEN');
    const missing = await service.run({ ...job('missing', 'true'), secretRefs: { TOKEN: `projects/${TEST_PROJECT}/secrets/absent/versions/1` } });
    assert.equal(missing.state, 'FAILED');
    assert.deepEqual(backend.secrets.reads, [SECRET_VERSION], 'nothing else was read');
    leakCheck([seen, errors, plain, missing, logger.lines, backend.records()]);
    return missing;
  }

  describe('Cloud Run: secretRefs (value_source.secret_key_ref), through the official client and the fake', () => {
    const cr = useSecretRefFake('cloudrun', (bucketDirs, docker) => FakeCloudRun.start({ bucketDirs, docker }));

    it('the platform reads the reference; the fake got only the reference; nothing returned or logged holds the value', async () => {
      const executions = () => [...cr.fake.state.executions.values()].map((r) => r.execution);
      const missing = await secretRefScenario({
        service: cr.service, logger: cr.logger, secrets: cr.fake.secrets, records: executions,
        tokenAsRecorded: () => executions().flatMap((e) => e.template?.containers?.[0]?.env ?? []).filter((e) => e.name === 'TOKEN')
          .map((e) => [e.value ?? '', e.valueSource?.secretKeyRef]),
      }, ['', { secret: `projects/${TEST_PROJECT}/secrets/api-token`, version: '2' }]);
      assert.equal(missing.message, `Secret version projects/${TEST_PROJECT}/secrets/absent/versions/1 was not found or the service account cannot access it.`);
    });
  });

  describe('Cloud Batch: secretRefs (Environment.secret_variables), through the official client and the fake', () => {
    const cb = useSecretRefFake('cloudbatch', (bucketDirs, docker) => FakeCloudBatch.start({ bucketDirs, docker }));

    it('Batch reads the reference; CreateJob held only the reference; nothing returned or logged holds the value', async () => {
      const jobs = () => [...cb.fake.state.jobs.values()].map((r) => r.job);
      const mains = () => jobs().map((j) => j.taskGroups?.[0]?.taskSpec?.runnables?.at(-1)?.environment);
      const missing = await secretRefScenario({
        service: cb.service, logger: cb.logger, secrets: cb.fake.secrets, records: jobs,
        tokenAsRecorded: () => mains().map((env) => [env?.variables?.TOKEN, env?.secretVariables]),
      }, [undefined, { TOKEN: SECRET_VERSION }]);
      assert.match(missing.message ?? '', /Batch exit code 50000/);
      const failedTask = [...cb.fake.state.jobs.values()].find((r) => r.job.status?.state === 'FAILED')?.tasks[0]?.task.status?.statusEvents ?? [];
      assert.ok(failedTask.some((e) => e.description?.includes(`Secret version projects/${TEST_PROJECT}/secrets/absent/versions/1 was not found`)), JSON.stringify(failedTask));
    });
  });

  describe('CLI with --debug, on Docker (--secret-env) and Cloud Run (--secret-ref)', () => {
    let cli: CliFixture;
    let gcs: GcsFake;
    let fake: FakeCloudRun;
    let cloud: string[];
    before(async () => {
      cli = await cliFixture();
      gcs = await startGcsFake();
      await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
      fake = await FakeCloudRun.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker: cli.docker });
      fake.secrets.versions.set(SECRET_VERSION, SECRET);
      cloud = ['--backend', 'cloudrun', '--api-endpoint', `http://127.0.0.1:${fake.port}`, '--gcs-endpoint', gcs.endpoint,
        '--project', TEST_PROJECT, '--region', TEST_REGION, '--staging-bucket', `gs://${BUCKET}`];
    });
    after(async () => {
      await cli?.cli(['cleanup', ...cloud, '--namespace', TEST_NAMESPACE]);
      await fake?.close();
      await gcs?.close();
      await cli?.close();
    });

    it('run, status, list and errors print no secret value, stack traces included', async () => {
      const base = ['--debug', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--env', 'PLAIN=visible'];
      const outcomes = [
        await cli.cli(['run', '--json', ...base, '--name', 'sec', '--secret-env', `TOKEN=${SECRET}`, '--', 'sh', '-c', HASH_TOKEN]),
        await cli.cli(['run', '--json', ...cloud, ...base, '--name', 'sec', '--secret-ref', `TOKEN=${SECRET_VERSION}`, '--', 'sh', '-c', HASH_TOKEN]),
      ];
      assert.deepEqual(outcomes.map((o) => o.code), [0, 0], outcomes.map((o) => o.stderr).join('\n'));
      const ids = outcomes.map((o) => (JSON.parse(o.stdout) as { executionId: string; jsonOutput: unknown }));
      assert.deepEqual(ids.map((r) => r.jsonOutput), [{ sha: sha256(SECRET) }, { sha: sha256(SECRET) }]);
      outcomes.push(
        await cli.cli(['status', '--debug', ids[0]!.executionId]),
        await cli.cli(['status', '--debug', ...cloud, ids[1]!.executionId]),
        await cli.cli(['list', '--debug', ...cloud, '--namespace', TEST_NAMESPACE]),
        await cli.cli(['run', ...cloud, ...base, '--name', 'plain', '--secret-env', `TOKEN=${SECRET}`, '--', 'true']),
        await cli.cli(['run', ...base, '--name', 'asref', '--secret-ref', `TOKEN=${SECRET}`, '--', 'true']),
      );
      const [refusedPlain, valueAsRef] = outcomes.slice(-2);
      assert.match(refusedPlain!.stderr, /cannot pass `--secret-env` \(TOKEN\).*`--secret-ref`/);
      assert.match(valueAsRef!.stderr, /`--secret-ref` \(TOKEN\) must be a Secret Manager version/);
      assert.ok([refusedPlain, valueAsRef].every((o) => o!.stderr.includes('    at ')), '--debug printed the stack traces too');
      leakCheck([outcomes.map((o) => `${o.stdout}\n${o.stderr}`), ids]);
    });
  });
});
