/**
 * The fakes' Secret Manager: version names (`projects/p/secrets/s/versions/3`) to values, set by a test. The
 * platform reads a referenced version when a task starts (Cloud Run's `secret_key_ref`, Batch's
 * `secret_variables`); so do the fakes, recording each read.
 */
export class FakeSecretStore {
  readonly versions = new Map<string, string>();
  /** Every version name read, in order. */
  readonly reads: string[] = [];

  /** The value of a version (`latest`: the highest numbered one), or a reason it has none (a missing secret fails the task). */
  read(name: string): { value: string } | { missing: string } {
    const [, secret = '', version = ''] = /^(.*)\/versions\/([^/]*)$/.exec(name) ?? [];
    const value = this.versions.get(name) ?? (version === 'latest' ? this.latest(secret) : undefined);
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
