import { ValidationError } from './errors.js';
import { validateSecretRefs } from './secret-refs.js';
import { validateEnvMap, validateArgs } from './validation.js';

/** What to run. A plain object; `validateJob` checks it and fills the defaults. */
export interface SmartJob {
  /** Lowercase letters, digits and hyphens, 1-40 characters. */
  readonly name: string;
  /** Groups jobs (same rule as `name`, 1-20 characters). @default 'default' */
  readonly namespace?: string;
  /** Image reference, e.g. `python:3.12-slim`. */
  readonly dockerImage: string;
  /** Replaces the image's command (CMD). `{{INPUT}}` is replaced by the in-container input directory. */
  readonly overriddenArgs?: readonly string[];
  /** Extra environment variables for the container. */
  readonly addEnvs?: Readonly<Record<string, string>>;
  /**
   * Environment variables whose values are secret: passed to the container, never recorded (labels, execution
   * records, log lines, errors, results). A backend that cannot pass them unrecorded refuses them. @default {}
   */
  readonly secretEnvs?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Google Secret Manager by the platform when the job starts, by reference:
   * `{ TOKEN: 'projects/p/secrets/api-token/versions/3' }` (or `versions/latest`). The SDK never sees the value;
   * the reference itself is not secret. Cloud Run (`value_source.secret_key_ref`) and Batch (`secret_variables`) pass them; a backend that
   * cannot refuses them. @default {}
   */
  readonly secretRefs?: Readonly<Record<string, string>>;
  /** A local Python script, staged with the inputs and run as `python <script> ...overriddenArgs`. */
  readonly pythonScriptPath?: string;
}

export interface ResolvedJob {
  readonly name: string;
  readonly namespace: string;
  readonly dockerImage: string;
  readonly overriddenArgs: readonly string[];
  readonly addEnvs: Readonly<Record<string, string>>;
  readonly secretEnvs: Readonly<Record<string, string>>;
  readonly secretRefs: Readonly<Record<string, string>>;
  readonly pythonScriptPath: string | undefined;
}

const NAME_RULE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IMAGE_RULE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;

export function validateJob(job: unknown): ResolvedJob {
  if (typeof job !== 'object' || job === null) throw new ValidationError('job', 'must be an object', job);
  const j = job as Partial<SmartJob>;
  const name = validateDnsName('job.name', j.name, 40);
  const namespace = j.namespace === undefined ? 'default' : validateDnsName('job.namespace', j.namespace, 20);
  if (typeof j.dockerImage !== 'string' || !IMAGE_RULE.test(j.dockerImage)) {
    throw new ValidationError('job.dockerImage', 'must be an image reference like `repo/name:tag`', j.dockerImage);
  }
  const overriddenArgs = j.overriddenArgs === undefined ? [] : validateArgs('job.overriddenArgs', j.overriddenArgs);
  const addEnvs = j.addEnvs === undefined ? {} : validateEnvMap('job.addEnvs', j.addEnvs);
  const secretEnvs = j.secretEnvs === undefined ? {} : validateEnvMap('job.secretEnvs', j.secretEnvs, { secret: true });
  const secretRefs = j.secretRefs === undefined ? {} : validateSecretRefs('job.secretRefs', j.secretRefs);
  if (j.pythonScriptPath !== undefined && (typeof j.pythonScriptPath !== 'string' || j.pythonScriptPath === '')) {
    throw new ValidationError('job.pythonScriptPath', 'must be a non-empty path to a local file', j.pythonScriptPath);
  }
  return Object.freeze({
    name,
    namespace,
    dockerImage: j.dockerImage,
    overriddenArgs: Object.freeze([...overriddenArgs]),
    addEnvs: Object.freeze({ ...addEnvs }),
    secretEnvs: Object.freeze({ ...secretEnvs }),
    secretRefs: Object.freeze({ ...secretRefs }),
    pythonScriptPath: j.pythonScriptPath,
  });
}

function validateDnsName(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length > max || !NAME_RULE.test(value)) {
    throw new ValidationError(
      field,
      `must be 1-${max} lowercase letters, digits or hyphens, starting and ending with a letter or digit`,
      value,
    );
  }
  return value;
}
