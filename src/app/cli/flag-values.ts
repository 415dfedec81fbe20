import { UsageError } from './usage-error.js';

/** `text` as a number > 0 (or >= 0 with `allowZero`); the error names the flag and quotes what it got. */
export function parseNumber(flag: string, text: string, rule: { readonly integer?: boolean; readonly allowZero?: boolean } = {}, via = ''): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const ok = Number.isFinite(value) && (rule.allowZero ? value >= 0 : value > 0) && (!rule.integer || Number.isInteger(value));
  if (!ok) {
    const kind = rule.integer ? 'integer' : 'number';
    throw new UsageError(flag, `must be a ${rule.allowZero ? 'non-negative' : 'positive'} ${kind}, got '${text}'`, via);
  }
  return value;
}

/**
 * `NAME=VALUE` → [NAME, VALUE]. The value is never quoted back in an error (it may be a secret); with `fromEnv`,
 * `NAME` alone takes the value of that variable in the CLI's own environment, as `docker run -e NAME` does.
 * With `secret`, a pair without '=' is not quoted either: it may be a value whose `NAME=` was forgotten.
 */
export function parseKeyValue(flag: string, pair: string, env: NodeJS.ProcessEnv, options: KeyValueRule = {}, via = ''): [string, string] {
  const at = pair.indexOf('=');
  if (at === 0) throw new UsageError(flag, "needs a NAME before '=' (NAME=VALUE)", via);
  if (at > 0) return [pair.slice(0, at), pair.slice(at + 1)];
  const shown = options.secret ? 'an item (not shown: it may be a secret value)' : `'${pair}'`;
  const hint = options.hint ?? '';
  if (!options.fromEnv) throw new UsageError(flag, `must look like NAME=VALUE, got ${shown} without '='${hint}`, via);
  const value = env[pair];
  if (value === undefined) throw new UsageError(flag, `got ${shown} without '=' that names no variable set in this environment (give NAME=VALUE)${hint}`, via);
  return [pair, value];
}

export interface KeyValueRule {
  /** NAME alone copies this process's variable. */
  readonly fromEnv?: boolean;
  /** Never quote the item in an error. */
  readonly secret?: boolean;
  /** Appended to an error about a missing '='. */
  readonly hint?: string;
}

/** One of `allowed` (case-insensitive); the error lists them. */
export function parseChoice<T extends string>(flag: string, text: string, allowed: readonly T[], via = ''): T {
  const found = allowed.find((value) => value.toLowerCase() === text.toLowerCase());
  if (!found) throw new UsageError(flag, `must be one of ${allowed.join(', ')}, got '${text}'`, via);
  return found;
}

const MEMORY = /^(\d+(?:\.\d+)?)\s*(k|m|g|t)?(?:i?b)?$/i;
const GB_PER_UNIT: Record<string, number> = { k: 1 / 1024 ** 2, m: 1 / 1024, g: 1, t: 1024 };

/** `512m`, `2g`, `2GiB`, or a plain number of GB → GB. */
export function parseMemoryGb(flag: string, text: string, via = ''): number {
  const match = MEMORY.exec(text.trim());
  const gb = match ? Number(match[1]) * GB_PER_UNIT[(match[2] ?? 'g').toLowerCase()]! : Number.NaN;
  if (!(gb > 0)) throw new UsageError(flag, `must be a size like 512m, 2g or a number of GB, got '${text}'`, via);
  return gb;
}
