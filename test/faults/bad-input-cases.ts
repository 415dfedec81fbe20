import { getExecutorService } from '../../src/app/executor-factory.js';
import { BytesInput, GcsInput, JsonInput, LocalPathInput } from '../../src/domain/inputs.js';
import type { SmartJob } from '../../src/domain/job.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';

/** What a case can use: a Docker service on a private staging directory, a valid job, and local paths. */
export interface BadInputContext {
  readonly service: ExecutorService;
  readonly job: SmartJob;
  /** A directory, where a file is expected. */
  readonly directory: string;
  /** A readable local file named script.py. */
  readonly file: string;
}

export interface BadInputCase {
  readonly what: string;
  /** The field the error names (`ValidationError.field`, and in backticks in the message). */
  readonly field: string;
  readonly call: (c: BadInputContext) => unknown;
  /** @default ValidationError */
  readonly error?: new (...args: never[]) => Error;
  /** @default 'VALIDATION' */
  readonly code?: string;
  /** When set, the whole message. */
  readonly message?: string;
}

const run = (c: BadInputContext, job: Partial<SmartJob>, options?: object) => c.service.run({ ...c.job, ...job } as SmartJob, options);
const withOptions = (options: object) => (c: BadInputContext) => run(c, {}, options);
const config = (executionConfig: object) => withOptions({ executionConfig });
const input = (...inputs: unknown[]) => withOptions({ inputs });

/** Every kind of bad input, one row each: the class, code and field of the error it must give. */
export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  { what: 'a name with spaces and capitals', field: 'job.name', call: (c) => run(c, { name: 'Hello World' }),
    message: "`job.name` must be 1-40 lowercase letters, digits or hyphens, starting and ending with a letter or digit, got 'Hello World'" },
  { what: 'a name of 41 characters', field: 'job.name', call: (c) => run(c, { name: 'x'.repeat(41) }) },
  { what: 'a name ending with a hyphen', field: 'job.name', call: (c) => run(c, { name: 'train-' }) },
  { what: 'a missing name', field: 'job.name', call: (c) => run(c, { name: undefined }) },
  { what: 'a namespace in capitals', field: 'job.namespace', call: (c) => run(c, { namespace: 'UPPER' }) },
  { what: 'a namespace of 21 characters', field: 'job.namespace', call: (c) => run(c, { namespace: 'n'.repeat(21) }) },
  { what: 'an empty image', field: 'job.dockerImage', call: (c) => run(c, { dockerImage: '' }) },
  { what: 'an image with a space', field: 'job.dockerImage', call: (c) => run(c, { dockerImage: 'busy box' }) },
  { what: 'args as a string', field: 'job.overriddenArgs', call: (c) => run(c, { overriddenArgs: 'echo hi' as never }) },
  { what: 'an arg that is a number', field: 'job.overriddenArgs[1]', call: (c) => run(c, { overriddenArgs: ['echo', 3 as never] }) },
  { what: 'an env key starting with a digit', field: 'job.addEnvs.1BAD', call: (c) => run(c, { addEnvs: { '1BAD': 'x' } }) },
  { what: 'an env key with a hyphen', field: 'addEnvs.MY-VAR', call: withOptions({ addEnvs: { 'MY-VAR': 'x' } }) },
  { what: 'an env value that is a number', field: 'addEnvs.K', call: withOptions({ addEnvs: { K: 1 } }) },
  { what: 'a reserved env name', field: 'job.addEnvs.INPUT_PATH', call: (c) => run(c, { addEnvs: { INPUT_PATH: '/elsewhere' } }) },
  { what: 'a secret env with a bad name', field: 'secretEnvs.BAD NAME', call: withOptions({ secretEnvs: { 'BAD NAME': 's3cr3t' } }) },
  { what: 'a name both plain and secret', field: 'secretEnvs.TOKEN', call: withOptions({ addEnvs: { TOKEN: 'a' }, secretEnvs: { TOKEN: 'b' } }) },
  { what: 'call args that are not an array', field: 'args', call: withOptions({ args: '--x' }) },
  { what: 'a missing script', field: 'job.pythonScriptPath', call: (c) => run(c, { pythonScriptPath: '/no/such/script.py' }) },
  { what: 'a directory as the script', field: 'job.pythonScriptPath', call: (c) => run(c, { pythonScriptPath: c.directory }) },
  { what: 'inputs that are not an array', field: 'inputs', call: withOptions({ inputs: 'file' }) },
  { what: 'an input that is a plain object', field: 'inputs[0]', call: input({ filename: 'x', content: 'y' }) },
  { what: "a filename with '/'", field: 'inputs[0].filename', call: input(new BytesInput('a/b', 'x')) },
  { what: "a filename '../x'", field: 'inputs[0].filename', call: input(new BytesInput('../x', 'x')) },
  { what: "a filename '..'", field: 'inputs[0].filename', call: input(new BytesInput('..', 'x')) },
  { what: 'an empty filename', field: 'inputs[0].filename', call: input(new JsonInput('', {})) },
  { what: 'two inputs with one name', field: 'inputs[1].filename', call: input(new BytesInput('same', 'x'), new JsonInput('same', 1)) },
  { what: 'an input named like the staged script', field: 'inputs[0].filename', call: (c) => run(c, { pythonScriptPath: c.file }, { inputs: [new BytesInput('script.py', 'x')] }) },
  { what: 'a missing local file', field: 'inputs[0].localPath', call: input(new LocalPathInput('f', '/no/such/file')) },
  { what: 'a directory as a local file', field: 'inputs[0].localPath', call: (c) => run(c, {}, { inputs: [new LocalPathInput('f', c.directory)] }) },
  { what: 'an http:// URI as a GcsInput', field: 'inputs[0].gcsUri', call: input(new GcsInput('f', 'http://bucket/x')) },
  { what: 'an s3:// URI as a GcsInput', field: 'inputs[0].gcsUri', call: input(new GcsInput('f', 's3://bucket/key')) },
  { what: 'a gs:// URI without an object', field: 'inputs[0].gcsUri', call: input(new GcsInput('f', 'gs://bucket')) },
  { what: 'an undefined JSON value', field: 'inputs[0].value', call: input(new JsonInput('f', undefined)) },
  { what: 'a staging bucket without gs://', field: 'executionConfig.stagingBucket', call: config({ stagingBucket: 'bucket' }) },
  { what: 'a negative timeout', field: 'executionConfig.timeout.timeoutSeconds', call: config({ timeout: { timeoutSeconds: -1 } }) },
  { what: 'a zero timeout', field: 'executionConfig.timeout.timeoutSeconds', call: config({ timeout: { timeoutSeconds: 0 } }) },
  { what: 'a NaN timeout', field: 'executionConfig.timeout.timeoutSeconds', call: config({ timeout: { timeoutSeconds: Number.NaN } }) },
  { what: 'a timeout as a number instead of an object', field: 'executionConfig.timeout', call: config({ timeout: 600 }) },
  { what: 'fractional attempts', field: 'executionConfig.retry.maxAttemptsSchedule', call: config({ retry: { maxAttemptsSchedule: 1.5 } }) },
  { what: 'zero attempts', field: 'executionConfig.retry.maxAttemptsExecute', call: config({ retry: { maxAttemptsExecute: 0 } }) },
  { what: 'a NaN cpu', field: 'executionConfig.cpu', call: config({ cpu: Number.NaN }) },
  { what: 'a negative memory', field: 'executionConfig.memoryGb', call: config({ memoryGb: -1 }) },
  { what: 'an infinite memory', field: 'executionConfig.memoryGb', call: config({ memoryGb: Infinity }) },
  { what: 'a label key in capitals', field: 'executionConfig.labels.Team', call: config({ labels: { Team: 'x' } }) },
  { what: 'a label value in capitals', field: 'executionConfig.labels.team', call: config({ labels: { team: 'Data' } }) },
  { what: 'an unknown executionConfig key', field: 'executionConfig.machineTyp', call: config({ machineTyp: 'n2-standard-4' }),
    message: '`executionConfig.machineTyp` is an unknown setting' },
  { what: 'a known key in the wrong place', field: 'executionConfig.timeoutSeconds', call: config({ timeoutSeconds: 5 }),
    message: '`executionConfig.timeoutSeconds` is an unknown setting; did you mean `executionConfig.timeout.timeoutSeconds`?' },
  { what: 'a sidecar without an image', field: 'executionConfig.sidecarsContainers[0].dockerImage', call: config({ sidecarsContainers: [{ name: 'proxy' }] }) },
  { what: 'a signal that is not an AbortSignal', field: 'signal', call: withOptions({ signal: 'stop' }) },
  { what: 'an already aborted signal', field: 'signal', call: (c) => c.service.run(c.job, { signal: AbortSignal.abort() }),
    message: '`signal` is already aborted: nothing was started' },
  { what: 'forget that is not a boolean', field: 'forget', call: (c) => c.service.schedule(c.job, { forget: 'yes' as never }) },
  { what: 'options that are not an object', field: 'options', call: (c) => c.service.run(c.job, 42 as never) },
  { what: 'an unknown backend', field: 'type', call: () => getExecutorService('kubernetes' as never) },
  { what: 'maxWorkers 0', field: 'maxWorkers', call: () => getExecutorService('docker', { useCache: false, maxWorkers: 0 }) },
  { what: 'fractional maxWorkers', field: 'maxWorkers', call: () => getExecutorService('docker', { useCache: false, maxWorkers: 2.5 }) },
  { what: 'a bad pull policy', field: 'docker.pullPolicy', call: () => getExecutorService('docker', { useCache: false, docker: { pullPolicy: 'sometimes' as never } }) },
  { what: 'a negative reconnectSeconds', field: 'docker.reconnectSeconds', call: () => getExecutorService('docker', { useCache: false, docker: { reconnectSeconds: -1 } }) },
  { what: 'map with concurrency 0', field: 'concurrency', call: (c) => c.service.map(c.job, [{}], { concurrency: 0 }) },
  { what: 'map over a number', field: 'items', call: (c) => c.service.map(c.job, 42 as never) },
  { what: 'an array of 0 tasks', field: 'count', call: (c) => c.service.runArray(c.job, { count: 0 }) },
  { what: 'an array of 1.5 tasks', field: 'count', call: (c) => c.service.runArray(c.job, { count: 1.5 }) },
  { what: 'an execution id with capitals', field: 'executionId', call: (c) => c.service.getStatus('Not An Id') },
  { what: 'cleanup of negative age', field: 'olderThanSeconds', call: (c) => c.service.cleanup({ olderThanSeconds: -1 }) },
  { what: 'an unknown event type', field: 'type', call: (c) => c.service.on('done' as never, () => undefined) },
];
