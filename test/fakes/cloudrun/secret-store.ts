import type { IEnvVar } from './protos.js';

/**
 * The fake's Secret Manager: version names (`projects/p/secrets/s/versions/3`) to values, set by a test. Cloud Run
 * reads a `value_source.secret_key_ref` when the task starts; so does the fake, recording each read.
 */
export class FakeSecretStore {
  readonly versions = new Map<string, string>();
  /** Every version name read, in order. */
  readonly reads: string[] = [];

  /** The value of an env variable, or a reason it has none (a missing secret fails the task, as on Cloud Run). */
  resolve(env: IEnvVar, project: string): { value: string } | { missing: string } {
    const ref = env.valueSource?.secretKeyRef;
    if (!ref) return { value: env.value ?? '' };
    const secret = ref.secret?.includes('/') ? ref.secret : `projects/${project}/secrets/${ref.secret ?? ''}`;
    const name = `${secret}/versions/${ref.version || 'latest'}`;
    const value = this.versions.get(name) ?? (ref.version === 'latest' || !ref.version ? this.latest(secret) : undefined);
    if (value === undefined) return { missing: `Secret version ${name} was not found or the service account cannot access it.` };
    this.reads.push(name);
    return { value };
  }

  private latest(secret: string): string | undefined {
    const numbered = [...this.versions].filter(([name]) => name.startsWith(`${secret}/versions/`) && /\/\d+$/.test(name));
    numbered.sort(([a], [b]) => Number(a.split('/').pop()) - Number(b.split('/').pop()));
    return numbered.at(-1)?.[1];
  }
}
