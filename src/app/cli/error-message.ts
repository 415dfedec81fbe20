import { ConfigurationError, ImageUnavailableError, NotSupportedError, SmartJobError, ValidationError } from '../../domain/errors.js';
import type { FlagSpec } from './flags.js';

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
  if (error instanceof ConfigurationError) {
    const flag = flagOfField(error.setting, origins);
    return flag ? error.message.replaceAll(`\`${error.setting}\``, flag) : error.message;
  }
  if (error instanceof ImageUnavailableError) return `${error.message}; pull or build it first (docker pull ${error.image})`;
  if (error instanceof NotSupportedError) return error.message.replaceAll('`secretEnvs`', '`--secret-env`').replaceAll('`secretRefs`', '`--secret-ref`');
  if (error instanceof SmartJobError) return error.message;
  return error instanceof Error ? error.message : String(error);
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
