/** A command line the CLI refuses before starting anything: names the flag (or argument) and the rule. Exit 64. */
export class UsageError extends Error {
  constructor(readonly flag: string, rule: string) {
    super(`\`${flag}\` ${rule}`);
    this.name = 'UsageError';
  }
}
