/**
 * A command line the CLI refuses before starting anything: names the flag (or argument) and the rule, and where
 * the value came from when not from the command line (`via`: " (from SMARTJOB_TIMEOUT)"). Exit 64.
 */
export class UsageError extends Error {
  constructor(readonly flag: string, rule: string, via = '') {
    super(`\`${flag}\`${via} ${rule}`);
    this.name = 'UsageError';
  }
}
