import { ConfigurationError, ImageUnavailableError, NotSupportedError, SmartJobError, ValidationError } from '../../domain/errors.js';
import { exitCodeOfError } from './exit-codes.js';
import type { FlagSpec } from './flags.js';
import { UsageError } from './usage-error.js';

/** What an SDK error's field (`job.name`, `inputs[2].localPath`…) was set by on the command line. */
export interface FlagOrigins {
  readonly specs: readonly FlagSpec[];
  /** The flag of each input, in order. */
  readonly inputFlags?: readonly string[];
}

/** The one line printed for an error: the SDK's field names become the flags that set them. */
export function errorLine(error: unknown, origins: FlagOrigins): string {
  if (error instanceof ValidationError) {
    const flag = flagOfField(error.field, origins);
    return flag ? error.message.replace(`\`${error.field}\``, flag) : error.message;
  }
  if (error instanceof ConfigurationError && error.setting === 'gcs') return gcsAccessLine(error.message);
  if (error instanceof ConfigurationError) {
    const flag = flagOfField(error.setting, origins);
    return flag ? error.message.replaceAll(`\`${error.setting}\``, flag) : error.message;
  }
  if (error instanceof ImageUnavailableError) return `${error.message}; pull or build it first (docker pull ${error.image})`;
  if (error instanceof NotSupportedError) return error.message.replaceAll('`secretEnvs`', '`--secret-env`').replaceAll('`secretRefs`', '`--secret-ref`');
  if (error instanceof SmartJobError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The SDK's "no Cloud Storage access" refusal, with how to give it access from the command line instead of SDK options. */
function gcsAccessLine(message: string): string {
  const what = message.split(': set ')[0]!.replace('a GcsInput', 'a `--gcs-input`');
  return `${what}: set \`--gcs-endpoint URL\` (or SMARTJOB_GCS_ENDPOINT, or \`gcsEndpoint\` in the config file), or the GOOGLE_APPLICATION_CREDENTIALS environment variable`;
}

/** `` `--env` (TOKEN) `` for `job.addEnvs.TOKEN`: the flag, and what in its value the rule is about. */
function flagOfField(field: string, { specs, inputFlags }: FlagOrigins): string | undefined {
  const input = /^inputs\[(\d+)\]/.exec(field);
  if (input) return inputFlags?.[Number(input[1])] && `\`${inputFlags[Number(input[1])]}\` (#${Number(input[1]) + 1})`;
  if (field === 'executionId') return '`ID`';
  const unprefixed = field.replace(/^job\.(addEnvs|secretEnvs|secretRefs)/, '$1');
  for (const spec of specs) {
    const base = spec.field;
    if (base === undefined || !(unprefixed === base || unprefixed.startsWith(`${base}.`) || unprefixed.startsWith(`${base}[`))) continue;
    const rest = unprefixed.slice(base.length).replace(/^\./, '');
    return `\`--${spec.name}\`${rest ? ` (${rest})` : ''}`;
  }
  return undefined;
}

/** With --debug: the stack and every cause under it. */
export function errorDetails(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('caused by:');
  }
  return `${parts.join('\n')}\n`;
}

/** The `{"error": …}` document of --json: the SDK's code (USAGE for a usage error, INTERNAL for a bug), the line, the exit code. */
export function errorDocument(error: unknown, origins: FlagOrigins): { error: { code: string; message: string; exitCode: number } } {
  const code = error instanceof UsageError ? 'USAGE' : error instanceof SmartJobError ? error.code : 'INTERNAL';
  return { error: { code, message: errorLine(error, origins), exitCode: exitCodeOfError(error) } };
}
