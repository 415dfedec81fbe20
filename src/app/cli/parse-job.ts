import { LocalPathInput } from '../../domain/inputs.js';
import type { SmartJob } from '../../domain/job.js';
import type { RunOptions } from '../../domain/services/plan.js';
import { parseKeyValue, parseNumber } from './flag-values.js';

export interface RunFlags {
  readonly name?: string;
  readonly namespace?: string;
  readonly image?: string;
  readonly script?: string;
  readonly arg?: string[];
  readonly env?: string[];
  readonly input?: string[];
  readonly timeout?: string;
}

/** Turns CLI flags into a job and run options; the domain validates the rest. */
export function jobFromFlags(flags: RunFlags): { job: SmartJob; options: RunOptions } {
  const job: SmartJob = {
    name: flags.name ?? '',
    namespace: flags.namespace,
    dockerImage: flags.image ?? '',
    overriddenArgs: flags.arg,
    pythonScriptPath: flags.script,
  };
  const addEnvs = Object.fromEntries((flags.env ?? []).map((pair) => parseKeyValue('--env', pair, process.env, { fromEnv: true })));
  const inputs = (flags.input ?? []).map((pair) => {
    const [filename, path] = parseKeyValue('--input', pair, {});
    return new LocalPathInput(filename, path);
  });
  const timeoutSeconds = flags.timeout === undefined ? undefined : parseNumber('--timeout', flags.timeout);
  return { job, options: { addEnvs, inputs, executionConfig: { timeout: { timeoutSeconds } } } };
}
