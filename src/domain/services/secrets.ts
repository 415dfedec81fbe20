import { NotSupportedError, ValidationError } from '../errors.js';
import type { ResolvedJob } from '../job.js';
import type { ExecutorPort } from '../ports/executor.port.js';
import { validateSecretRefs } from '../secret-refs.js';
import { validateEnvMap } from '../validation.js';

export interface ExecutionSecrets {
  /** Values: passed to the container, never recorded. */
  readonly secretEnvs: Readonly<Record<string, string>>;
  /** Secret Manager references the platform resolves when the job starts. */
  readonly secretRefs: Readonly<Record<string, string>>;
}

/**
 * The job's and the call's secrets (the call's win), each name given one way only, and refused before anything
 * is staged where the backend would record a value or cannot resolve a reference. Errors name variables, never values.
 */
export function checkSecrets(
  job: ResolvedJob,
  addEnvs: Readonly<Record<string, string>>,
  call: { readonly secretEnvs?: unknown; readonly secretRefs?: unknown },
  executor: Pick<ExecutorPort, 'backend' | 'supportsSecretEnvs' | 'supportsSecretRefs'>,
): ExecutionSecrets {
  const secretEnvs = { ...job.secretEnvs, ...(call.secretEnvs === undefined ? {} : validateEnvMap('secretEnvs', call.secretEnvs, { secret: true })) };
  const secretRefs = { ...job.secretRefs, ...(call.secretRefs === undefined ? {} : validateSecretRefs('secretRefs', call.secretRefs)) };
  for (const [field, secrets] of [['secretEnvs', secretEnvs], ['secretRefs', secretRefs]] as const) {
    const clash = Object.keys(secrets).find((name) => name in job.addEnvs || name in addEnvs);
    if (clash) throw new ValidationError(`${field}.${clash}`, 'is also given as a plain environment variable (addEnvs): give it once');
  }
  const both = Object.keys(secretRefs).find((name) => name in secretEnvs);
  if (both) throw new ValidationError(`secretRefs.${both}`, 'is also given in secretEnvs: give it once');
  refuseUnsupported(executor, Object.keys(secretEnvs), Object.keys(secretRefs));
  return { secretEnvs, secretRefs };
}

function refuseUnsupported(executor: Pick<ExecutorPort, 'backend' | 'supportsSecretEnvs' | 'supportsSecretRefs'>, values: string[], refs: string[]): void {
  const { backend, supportsSecretEnvs, supportsSecretRefs } = executor;
  if (values.length > 0 && !supportsSecretEnvs) {
    const instead = supportsSecretRefs
      ? ": store each value in Secret Manager and pass `secretRefs` instead, e.g. `{ TOKEN: 'projects/<project>/secrets/<secret>/versions/latest' }`"
      : '; the docker backend can';
    throw new NotSupportedError(`the ${backend} backend cannot pass \`secretEnvs\` (${values.join(', ')}) to a job without recording them${instead}`);
  }
  if (refs.length > 0 && !supportsSecretRefs) {
    const instead = supportsSecretEnvs ? '; pass the values with `secretEnvs`' : '; the cloudrun and cloudbatch backends can';
    throw new NotSupportedError(`the ${backend} backend cannot read Secret Manager references (\`secretRefs\`: ${refs.join(', ')})${instead}`);
  }
}
