import { ValidationError } from './errors.js';
import { validateEnvMap } from './validation.js';

/** A Secret Manager secret version: `projects/<project>/secrets/<secret>/versions/<version>`. */
export interface SecretVersion {
  readonly project: string;
  readonly secret: string;
  /** A number, `latest` or an alias. */
  readonly version: string;
}

const SECRET_VERSION = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})\/secrets\/([A-Za-z0-9_-]{1,255})\/versions\/([A-Za-z0-9_-]{1,63})$/;
const RULE = 'must be a Secret Manager version `projects/<project>/secrets/<secret>/versions/<version|latest>`';

/**
 * Environment variables whose value the platform reads from Secret Manager when the job starts: the SDK holds,
 * records and logs only the reference, never the value.
 */
export function validateSecretRefs(field: string, value: unknown): Record<string, string> {
  const refs = validateEnvMap(field, value, { secret: true });
  for (const [name, ref] of Object.entries(refs)) {
    // not quoted back: a secret value given here by mistake must not end up in an error message
    if (!SECRET_VERSION.test(ref)) throw new ValidationError(`${field}.${name}`, RULE);
  }
  return refs;
}

/** The parts of a reference `validateSecretRefs` accepted. */
export function parseSecretVersion(ref: string): SecretVersion {
  const match = SECRET_VERSION.exec(ref);
  if (!match) throw new ValidationError('secretRefs', RULE);
  return { project: match[1]!, secret: match[2]!, version: match[3]! };
}
