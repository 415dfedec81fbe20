import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchJob, BatchStatusEvent, BatchTask } from '../../../src/infra/gcp/cloudbatch/cloudbatch-api.js';
import { createJobRequest, jobIdOf, logUrlOf, requestIdOf, stateOf, statusOf } from '../../../src/infra/gcp/cloudbatch/cloudbatch-mapper.js';
import { parseStagingBucket, type GcpSettings } from '../../../src/infra/gcp/shared/gcp-settings.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { launchSpec } from '../../support/launch-spec.js';

const SETTINGS: GcpSettings = { project: 'my-project', region: 'europe-west1', stagingBucket: parseStagingBucket('gs://bucket/area'), serviceAccount: 'jobs@my-project.iam' };
const NO_OPTIONS = { noExternalIpAddress: false };
const NAME = 'projects/my-project/locations/europe-west1/jobs/ns-train-0123456789abcdef';
const at = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });
const jobEvent = (from: string, to: string, iso: string, detail = ''): BatchStatusEvent =>
  ({ type: 'STATUS_CHANGED', description: `Job state is set from ${from} to ${to} for job ${NAME}.${detail}`, eventTime: at(iso), taskState: 'STATE_UNSPECIFIED' });
const taskEvent = (to: string, iso: string, exitCode?: number, reason = ''): BatchStatusEvent => ({
  type: 'STATUS_CHANGED', eventTime: at(iso), taskState: to as never,
  description: `Task state is updated from RUNNING to ${to} on zones/europe-west1-b/instances/1${reason}${exitCode !== undefined && to === 'FAILED' ? ` with exit code ${exitCode}` : ''}.`,
  ...(exitCode !== undefined && { taskExecution: { exitCode } }),
});

/** A job as Batch answers it, created from `spec`'s request. */
function jobOf(spec = launchSpec(), state = 'QUEUED', events: BatchStatusEvent[] = [], extra: Partial<BatchJob> = {}): BatchJob {
  const { job } = createJobRequest(spec, SETTINGS, NO_OPTIONS);
  return { ...job, name: NAME, status: { state: state as never, statusEvents: events }, ...extra };
}
const ran = (final: string, finalEvent: BatchStatusEvent[] = []) => [
  jobEvent('QUEUED', 'SCHEDULED', '2026-01-02T03:04:06Z'), jobEvent('SCHEDULED', 'RUNNING', '2026-01-02T03:04:10Z'),
  ...finalEvent, jobEvent('RUNNING', final, '2026-01-02T03:05:00Z'),
];

describe('Cloud Batch mapper: requests', () => {
  it('gives each attempt its share of the timeout, so that every attempt timing out still ends within it', () => {
    const runDuration = (timeoutSeconds: number, maxAttemptsExecute: number) =>
      createJobRequest(launchSpec({}, { timeout: { timeoutSeconds }, retry: { maxAttemptsExecute } }), SETTINGS, NO_OPTIONS).job?.taskGroups?.[0]?.taskSpec?.maxRunDuration;
    assert.deepEqual(runDuration(12.2, 1), { seconds: 13 }, 'one attempt: the whole timeout, rounded up');
    assert.deepEqual(runDuration(600, 3), { seconds: 200 });
    assert.deepEqual(runDuration(10, 3), { seconds: 3 }, 'rounded down: 3 × 3 s ≤ 10 s');
    assert.deepEqual(runDuration(2, 3), { seconds: 1 }, 'never below one second');
  });

  it('derives a DNS-label job id from namespace, name and execution id, cut to 63 and starting with a letter', () => {
    assert.equal(jobIdOf({ jobNamespace: 'ns', jobName: 'train', executionId: '0123456789abcdef' }), 'ns-train-0123456789abcdef');
    const long = jobIdOf({ jobNamespace: 'namespace-of-twenty1', jobName: 'a-very-long-job-name-that-fills-forty-ch', executionId: '0123456789abcdef' });
    assert.equal(long, 'namespace-of-twenty1-a-very-long-job-name-that-0123456789abcdef', 'cut at 63, no hyphen left doubled');
    assert.match(jobIdOf({ jobNamespace: '1ns', jobName: 'x-', executionId: 'ffff' }), /^sj-1ns-x-ffff$/);
    const odd = jobIdOf({ jobNamespace: 'ns', jobName: 'n', executionId: 'id-with-hyphens-' });
    assert.match(odd, /^ns-n-[0-9a-f]{16}$/, 'an id that is not plain [a-z0-9] is hashed');
    assert.equal(odd, jobIdOf({ jobNamespace: 'ns', jobName: 'n', executionId: 'id-with-hyphens-' }), 'deterministically');
    for (const id of [long, odd]) assert.match(id, /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
  });

  it('uses one RFC 4122 v5 request id per execution', () => {
    const id = requestIdOf('0123456789abcdef');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(requestIdOf('0123456789abcdef'), id);
    assert.notEqual(requestIdOf('0123456789abcdee'), id);
  });

  it('builds one task: container, env, staging volume on the prefix, timeout, retries, labels, logs policy', () => {
    const spec = launchSpec({ addEnvs: { LEVEL: 'debug' } }, { timeout: { timeoutSeconds: 90.5 }, retry: { maxAttemptsExecute: 3 }, labels: { team: 'data' } });
    const request = createJobRequest(spec, SETTINGS, NO_OPTIONS);
    assert.equal(request.parent, 'projects/my-project/locations/europe-west1');
    assert.equal(request.jobId, 'ns-train-0123456789abcdef');
    assert.equal(request.requestId, requestIdOf(spec.executionId));
    const job = request.job!;
    assert.deepEqual(job.logsPolicy, { destination: 'CLOUD_LOGGING' });
    assert.equal(job.labels?.team, 'data');
    assert.equal(job.labels?.[RECORD_KEYS.executionId], spec.executionId);
    assert.equal(job.labels?.[RECORD_KEYS.managed], 'true');
    assert.deepEqual(job.allocationPolicy?.labels, job.labels, 'the VMs carry the labels too');
    assert.deepEqual(job.allocationPolicy?.serviceAccount, { email: 'jobs@my-project.iam' });
    assert.equal(job.allocationPolicy?.instances, undefined);
    assert.equal(job.allocationPolicy?.network, undefined);
    const [group] = job.taskGroups ?? [];
    assert.equal(group?.taskCount, 1);
    assert.equal(group?.taskEnvironments, undefined);
    const task = group?.taskSpec;
    assert.deepEqual(task?.maxRunDuration, { seconds: 30 }, '90.5 s shared out over 3 attempts: 30 s each');
    assert.equal(task?.maxRetryCount, 2, 'maxAttemptsExecute 3 = 2 retries');
    assert.deepEqual(task?.volumes, [{ gcs: { remotePath: 'bucket/area/' }, mountPath: '/mnt/disks/staging' }]);
    assert.equal(task?.computeResource, undefined, 'no cpu, memory or machine type: Batch defaults');
    const [main, ...others] = task?.runnables ?? [];
    assert.equal(others.length, 0);
    assert.deepEqual(main?.container, { imageUri: 'example/image:1', commands: ['sh', '-c', 'exit 0'], volumes: ['/mnt/disks/staging:/staging'] });
    const env = main?.environment?.variables ?? {};
    assert.equal(env.LEVEL, 'debug');
    assert.equal(env.EXECUTION_ID, spec.executionId);
    assert.equal(env.OUTPUT_PATH, spec.env.OUTPUT_PATH);
    assert.equal(env.INPUT_PATH, spec.env.INPUT_PATH);
    assert.equal(createJobRequest(launchSpec(), { ...SETTINGS, stagingBucket: parseStagingBucket('gs://bucket') }, NO_OPTIONS).job?.taskGroups?.[0]?.taskSpec?.volumes?.[0]?.gcs?.remotePath, 'bucket');
  });

  it('puts machine type, Ops agent, network and no external IP in the allocation policy, resources in the task', () => {
    const spec = launchSpec({}, {
      machineType: 'n2-standard-4', bootDiskSizeGb: 100, installOpsAgent: true, vpcConnectorNetwork: 'default', vpcConnectorSubnetwork: 'projects/host/regions/europe-west1/subnetworks/jobs',
    });
    const { job } = createJobRequest(spec, SETTINGS, { noExternalIpAddress: true });
    assert.deepEqual(job?.allocationPolicy?.instances, [{ policy: { machineType: 'n2-standard-4', bootDisk: { sizeGb: 100 } }, installOpsAgent: true }]);
    assert.deepEqual(job?.allocationPolicy?.network, { networkInterfaces: [{
      network: 'projects/my-project/global/networks/default', subnetwork: 'projects/host/regions/europe-west1/subnetworks/jobs', noExternalIpAddress: true,
    }] });
    assert.deepEqual(job?.taskGroups?.[0]?.taskSpec?.computeResource, { cpuMilli: 4000, memoryMib: 16384 }, 'derived from the machine type');
    const explicit = createJobRequest(launchSpec({}, { cpu: 1.5, memoryGb: 2.2, vpcConnectorSubnetwork: 'jobs' }), SETTINGS, NO_OPTIONS).job;
    assert.deepEqual(explicit?.taskGroups?.[0]?.taskSpec?.computeResource, { cpuMilli: 1500, memoryMib: 2253 });
    assert.deepEqual(explicit?.allocationPolicy?.network?.networkInterfaces, [{ subnetwork: 'projects/my-project/regions/europe-west1/subnetworks/jobs' }]);
    assert.equal(explicit?.allocationPolicy?.instances, undefined, 'no machine type, boot disk or Ops agent: no instance policy');
    assert.deepEqual(createJobRequest(launchSpec({}, { installOpsAgent: true }), SETTINGS, NO_OPTIONS).job?.allocationPolicy?.instances, [{ installOpsAgent: true }]);
  });

  it('runs sidecars as background runnables before the job, sharing /staging and /shared', () => {
    const spec = launchSpec({}, { sidecarsContainers: [{ name: 'proxy', dockerImage: 'proxy:1', args: ['run'], env: { MODE: 'x' } }] });
    const [sidecar, main] = createJobRequest(spec, SETTINGS, NO_OPTIONS).job?.taskGroups?.[0]?.taskSpec?.runnables ?? [];
    assert.deepEqual(sidecar, {
      displayName: 'proxy', background: true, ignoreExitStatus: true, environment: { variables: { MODE: 'x' } },
      container: { imageUri: 'proxy:1', commands: ['run'], volumes: ['/mnt/disks/staging:/staging', '/mnt/disks/shared:/shared'] },
    });
    assert.equal(main?.background, undefined);
    assert.deepEqual(main?.container?.volumes, ['/mnt/disks/staging:/staging', '/mnt/disks/shared:/shared']);
  });

  it('runs a native array as N tasks with per-task SMARTJOB_TASK_INDEX and OUTPUT_PATH', () => {
    const spec = { ...launchSpec({ addEnvs: { SMARTJOB_TASK_COUNT: '3' } }), array: { count: 3, parallelism: 2 } };
    const [group] = createJobRequest(spec, SETTINGS, NO_OPTIONS).job?.taskGroups ?? [];
    assert.equal(group?.taskCount, 3);
    assert.equal(group?.parallelism, 2);
    assert.deepEqual(group?.taskEnvironments?.map((e) => e.variables), [0, 1, 2].map((i) => ({ SMARTJOB_TASK_INDEX: String(i), OUTPUT_PATH: `${spec.env.OUTPUT_PATH}/tasks/${i}` })));
    const env = group?.taskSpec?.runnables?.[0]?.environment?.variables ?? {};
    assert.equal(env.OUTPUT_PATH, undefined, 'only the task environments set OUTPUT_PATH');
    assert.equal(env.SMARTJOB_TASK_COUNT, '3');
  });

  it('passes secretRefs as the job runnable\'s secret_variables (references only), and no empty map without them', () => {
    const ref = 'projects/my-project/secrets/api-token/versions/latest';
    const runnables = (spec: ReturnType<typeof launchSpec>) => createJobRequest(spec, SETTINGS, NO_OPTIONS).job?.taskGroups?.[0]?.taskSpec?.runnables ?? [];
    const [main] = runnables(launchSpec({ secretRefs: { TOKEN: ref } }));
    assert.deepEqual(main?.environment?.secretVariables, { TOKEN: ref });
    assert.equal(main?.environment?.variables?.TOKEN, undefined);
    assert.equal(runnables(launchSpec())[0]?.environment?.secretVariables, undefined);
  });
});

describe('Cloud Batch mapper: statuses', () => {
  it('maps Batch states, enums as names or numbers', () => {
    assert.equal(stateOf(jobOf(undefined, 'QUEUED')), 'PENDING');
    assert.equal(stateOf(jobOf(undefined, 'SCHEDULED')), 'PENDING');
    assert.equal(stateOf(jobOf(undefined, 'RUNNING')), 'RUNNING');
    assert.equal(stateOf(jobOf(undefined, 'CANCELLATION_IN_PROGRESS')), 'RUNNING');
    assert.equal(stateOf(jobOf(undefined, 'SUCCEEDED')), 'SUCCEEDED');
    assert.equal(stateOf(jobOf(undefined, 4 as never)), 'SUCCEEDED');
    assert.equal(stateOf(jobOf(undefined, 'FAILED', [taskEvent('FAILED', '2026-01-02T03:05:00Z', 3)])), 'FAILED');
    assert.equal(stateOf(jobOf(undefined, 'FAILED', [taskEvent('FAILED', '2026-01-02T03:05:00Z', 50005, ' due to task runs over the maximum runtime')])), 'TIMED_OUT');
    assert.equal(stateOf(jobOf(undefined, 'CANCELLED')), 'CANCELLED');
    assert.equal(statusOf(jobOf(undefined, 'DELETION_IN_PROGRESS')), undefined, 'a job being deleted has no outcome to report');
    assert.equal(statusOf({ name: NAME, labels: { team: 'x' }, status: { state: 'SUCCEEDED' } }), undefined, 'not launched by smartjob');
  });

  it('maps a succeeded job: record, times from its transitions, exit code 0, logs URL', () => {
    const spec = launchSpec({}, { timeout: { timeoutSeconds: 30 } });
    assert.deepEqual(statusOf(jobOf(spec, 'SUCCEEDED', ran('SUCCEEDED'))), {
      executionId: spec.executionId, jobName: 'train', jobNamespace: 'ns', created: spec.created, baseDir: spec.baseDir, timeoutSeconds: 30,
      state: 'SUCCEEDED', started: new Date('2026-01-02T03:04:10Z'), stopped: new Date('2026-01-02T03:05:00Z'), exitCode: 0, message: undefined,
      logUrl: logUrlOf('my-project', spec.executionId),
    });
    assert.equal(logUrlOf('my-project', 'abc'), 'https://console.cloud.google.com/logs/query;query=labels.smartjob_execution_id%3D%22abc%22?project=my-project');
    const pending = statusOf(jobOf(spec, 'QUEUED'));
    assert.deepEqual([pending?.state, pending?.started, pending?.stopped], ['PENDING', undefined, undefined]);
  });

  it('falls back on the run duration and the update time when the transitions are not worded as expected', () => {
    const job = jobOf(undefined, 'SUCCEEDED', [], { updateTime: at('2026-01-02T03:05:00Z') });
    job.status!.runDuration = { seconds: 40, nanos: 0 };
    const status = statusOf(job);
    assert.deepEqual([status?.started, status?.stopped], [new Date('2026-01-02T03:04:20Z'), new Date('2026-01-02T03:05:00Z')]);
  });

  it('reads the exit code of a failed job from its events: structured first, then the wording, then its task', () => {
    const failed = statusOf(jobOf(undefined, 'FAILED', ran('FAILED', [taskEvent('FAILED', '2026-01-02T03:04:59Z', 3)])));
    assert.deepEqual([failed?.state, failed?.exitCode, failed?.message], ['FAILED', 3, 'the task exited with code 3']);
    const worded = jobEvent('RUNNING', 'FAILED', '2026-01-02T03:05:00Z', 'Job failed due to task failure. Specifically, task with index 0 failed due to the following task event: "Task state is updated from RUNNING to FAILED on zones/z/instances/1 with exit code 9."');
    assert.equal(statusOf(jobOf(undefined, 'FAILED', [worded]))?.exitCode, 9);
    const silent = jobOf(undefined, 'FAILED', ran('FAILED'));
    assert.equal(statusOf(silent)?.exitCode, undefined);
    assert.equal(statusOf(silent)?.message, 'the job failed (Batch reported no exit code)');
    const task: BatchTask = { name: `${NAME}/taskGroups/group0/tasks/0`, status: { state: 'FAILED', statusEvents: [taskEvent('FAILED', '2026-01-02T03:04:59Z', 50005)] } };
    const fromTask = statusOf(silent, [task]);
    assert.deepEqual([fromTask?.state, fromTask?.exitCode], ['TIMED_OUT', undefined], 'the task said 50005: timed out');
  });

  it('tells a timeout and Batch reserved exit codes from the container exit code', () => {
    const spec = launchSpec({}, { timeout: { timeoutSeconds: 2 } });
    const timedOut = statusOf(jobOf(spec, 'FAILED', ran('FAILED', [taskEvent('FAILED', '2026-01-02T03:04:59Z', 50005, ' due to task runs over the maximum runtime')])));
    assert.deepEqual([timedOut?.state, timedOut?.exitCode], ['TIMED_OUT', undefined]);
    assert.match(timedOut?.message ?? '', /^timeout of 2s reached .*50005/);
    const preempted = statusOf(jobOf(spec, 'FAILED', ran('FAILED', [taskEvent('FAILED', '2026-01-02T03:04:59Z', 50001)])));
    assert.deepEqual([preempted?.state, preempted?.exitCode, preempted?.message], ['FAILED', undefined, 'the VM was preempted (Batch exit code 50001)']);
    assert.equal(statusOf(jobOf(spec, 'CANCELLED', ran('CANCELLED')))?.message, 'the job was cancelled');
  });

  it('gives an array job one task status per index: exit codes, timeouts, and CANCELLED for tasks that never ran', () => {
    const spec = { ...launchSpec({}, { timeout: { timeoutSeconds: 5 } }), array: { count: 4, parallelism: 2 } };
    const task = (index: number, state: string, events: BatchStatusEvent[]): BatchTask => ({ name: `${NAME}/taskGroups/group0/tasks/${index}`, status: { state: state as never, statusEvents: events } });
    const running = (iso: string): BatchStatusEvent => ({ description: 'Task state is updated from ASSIGNED to RUNNING on zones/z/instances/1.', eventTime: at(iso), taskState: 'RUNNING' });
    const tasks = [
      task(0, 'SUCCEEDED', [running('2026-01-02T03:04:10Z'), taskEvent('SUCCEEDED', '2026-01-02T03:04:20Z', 0)]),
      task(1, 'FAILED', [running('2026-01-02T03:04:11Z'), taskEvent('FAILED', '2026-01-02T03:04:21Z', 4)]),
      task(2, 'FAILED', [running('2026-01-02T03:04:12Z'), taskEvent('FAILED', '2026-01-02T03:04:22Z', 50005)]),
      task(3, 'PENDING', []),
    ];
    const status = statusOf(jobOf(spec, 'FAILED', ran('FAILED')), tasks);
    assert.deepEqual(status?.tasks?.map((t) => [t.index, t.state, t.exitCode]), [[0, 'SUCCEEDED', 0], [1, 'FAILED', 4], [2, 'TIMED_OUT', undefined], [3, 'CANCELLED', undefined]]);
    assert.deepEqual(status?.tasks?.[1]?.started, new Date('2026-01-02T03:04:11Z'));
    assert.deepEqual(status?.tasks?.[1]?.stopped, new Date('2026-01-02T03:04:21Z'));
    assert.equal(status?.tasks?.[3]?.message, 'never ran: the job ended first');
    assert.deepEqual(status?.tasks?.[3]?.stopped, new Date('2026-01-02T03:05:00Z'));
    assert.equal(statusOf(jobOf(spec, 'RUNNING', []), [task(0, 'RUNNING', [running('2026-01-02T03:04:10Z')])])?.tasks?.map((t) => t.state).join(), 'RUNNING,PENDING,PENDING,PENDING');
    assert.equal(statusOf(jobOf(undefined, 'SUCCEEDED'), [])?.tasks, undefined, 'a single execution has no tasks');
  });
});
