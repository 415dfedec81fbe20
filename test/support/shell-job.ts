import type { SmartJob } from '../../src/domain/job.js';

/** A shell job: `sh -c script`. */
export function shellJob(name: string, script: string): Partial<SmartJob> & { readonly name: string } {
  return { name, overriddenArgs: ['sh', '-c', script] };
}
