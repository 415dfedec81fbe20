import type { ConfigFile } from './config-file.js';
import { envName, fileKey, type FlagSpec } from './flags.js';
import { parseKeyValue, parseNumber, type KeyValueRule } from './flag-values.js';
import { UsageError } from './usage-error.js';
import { VARIABLE_FORMAT_HELP, VariableFormatError, variableItems, type VariableItems } from './variable-values.js';

/** Where a value came from, for errors that name it. */
interface Sourced<T> {
  readonly value: T;
  /** `--timeout`, or `--timeout` (from SMARTJOB_TIMEOUT), or `--timeout` (from `timeout` in FILE). */
  readonly flag: string;
  readonly via: string;
}

/**
 * The settings of one command: each flag's value from the command line, else its SMARTJOB_* variable, else the
 * config file (maps merge key by key in that order). A value of the wrong type is a UsageError naming the flag.
 */
export class Settings {
  private readonly specs = new Map<string, FlagSpec>();

  constructor(
    specs: readonly FlagSpec[],
    private readonly flags: Readonly<Record<string, unknown>>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly file: ConfigFile | undefined,
  ) {
    for (const spec of specs) this.specs.set(spec.name, spec);
  }

  string(name: string): string | undefined {
    const found = this.scalar(name);
    if (found === undefined) return undefined;
    if (typeof found.value !== 'string' && typeof found.value !== 'number') throw this.error(found, 'must be a string');
    return String(found.value);
  }

  number(name: string, rule: { readonly integer?: boolean; readonly allowZero?: boolean } = {}): number | undefined {
    const found = this.scalar(name);
    if (found === undefined) return undefined;
    if (typeof found.value === 'number') return parseNumber(found.flag, String(found.value), rule, found.via);
    if (typeof found.value !== 'string') throw this.error(found, 'must be a number');
    return parseNumber(found.flag, found.value, rule, found.via);
  }

  boolean(name: string): boolean {
    const found = this.scalar(name);
    if (found === undefined) return false;
    if (typeof found.value === 'boolean') return found.value;
    const value = booleanWord(String(found.value));
    if (value !== undefined) return value;
    throw this.error(found, `must be true or false, got '${String(found.value)}'`);
  }

  /** The highest layer that sets it (a variable: see variableItems). */
  list(name: string): { readonly items: readonly string[]; readonly flag: string; readonly via: string } {
    const spec = this.spec(name);
    const flag = `--${name}`;
    const given = this.flags[name] as string[] | undefined;
    if (given && given.length > 0) return { items: given, flag, via: '' };
    const variable = envName(spec);
    const fromEnv = variable ? this.env[variable] : undefined;
    if (fromEnv) {
      const read = this.fromVariable(flag, variable!, fromEnv, false);
      return { items: read.kind === 'items' ? read.items : [], flag, via: ` (from ${variable})` };
    }
    const inFile = this.fromFile(spec.name);
    if (inFile === undefined) return { items: [], flag, via: '' };
    const via = ` (from \`${fileKey(spec)}\` in ${this.file!.path})`;
    if (!Array.isArray(inFile) || inFile.some((item) => typeof item !== 'string')) throw new UsageError(flag, 'must be an array of strings', via);
    return { items: inFile as string[], flag, via };
  }

  /** K=V pairs merged key by key: file, then variable, then flags. `fromEnv`: NAME alone copies this process's variable. */
  map(name: string, options: { readonly fromEnv?: boolean } = {}): Record<string, string> {
    const spec = this.spec(name);
    const flag = `--${name}`;
    const merged: Record<string, string> = {};
    const add = (pairs: readonly string[], via: string, rule: KeyValueRule = {}) => {
      for (const pair of pairs) {
        const [key, value] = parseKeyValue(flag, pair, this.env, { ...options, secret: spec.secret, ...rule }, via);
        merged[key] = value;
      }
    };
    const inFile = this.fromFile(spec.name);
    if (inFile !== undefined) {
      const via = ` (from \`${fileKey(spec)}\` in ${this.file!.path})`;
      if (Array.isArray(inFile) && inFile.every((item) => typeof item === 'string')) add(inFile as string[], via);
      else if (typeof inFile === 'object' && inFile !== null && !Array.isArray(inFile) && Object.values(inFile).every((v) => typeof v === 'string')) {
        Object.assign(merged, inFile);
      } else throw new UsageError(flag, 'must be an object of strings or an array of K=V strings', via);
    }
    const variable = envName(spec);
    if (variable && this.env[variable]) {
      const read = this.fromVariable(flag, variable, this.env[variable]!, true);
      if (read.kind === 'object') Object.assign(merged, read.entries);
      // a comma inside a value splits it: say how to keep it whole
      else add(read.items, ` (from ${variable})`, read.commaSeparated ? { hint: `; a value with commas needs ${variable} as one NAME=VALUE per line or a JSON object` } : {});
    }
    add((this.flags[name] as string[] | undefined) ?? [], '');
    return merged;
  }

  /** Where a set scalar comes from: `` `--region` `` or `` `--region` (from SMARTJOB_REGION) ``; undefined when unset. */
  origin(name: string): string | undefined {
    const found = this.scalar(name);
    return found && `\`${found.flag}\`${found.via}`;
  }

  /** Whether the command line or its variable sets the flag (then the config file does not count). */
  givenOutsideFile(name: string): boolean {
    const given = this.flags[name];
    const variable = envName(this.spec(name));
    return (given !== undefined && !(Array.isArray(given) && given.length === 0)) || Boolean(variable && this.env[variable]);
  }

  /** The raw config-file value of a flag, or of another key of the file (`args`). */
  fromFile(name: string): unknown {
    const spec = this.specs.get(name);
    if (spec?.inFile === false) return undefined;
    return this.file?.values[spec ? fileKey(spec) : name];
  }

  private scalar(name: string): Sourced<unknown> | undefined {
    const spec = this.spec(name);
    const flag = `--${name}`;
    const given = this.flags[name];
    if (given !== undefined) return { value: given, flag, via: '' };
    const variable = envName(spec);
    const fromEnv = variable ? this.env[variable] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, flag, via: ` (from ${variable})` };
    const inFile = this.fromFile(spec.name);
    if (inFile !== undefined) return { value: inFile, flag, via: ` (from \`${fileKey(spec)}\` in ${this.file!.path})` };
    return undefined;
  }

  private fromVariable(flag: string, variable: string, text: string, allowObject: boolean): VariableItems {
    try {
      return variableItems(text, allowObject);
    } catch (error) {
      if (!(error instanceof VariableFormatError)) throw error;
      throw new UsageError(flag, `${error.message} (${VARIABLE_FORMAT_HELP})`, ` (from ${variable})`);
    }
  }

  private spec(name: string): FlagSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`internal: the command has no --${name} flag`);
    return spec;
  }

  private error(found: Sourced<unknown>, rule: string): UsageError {
    return new UsageError(found.flag, rule, found.via);
  }
}

/** A boolean as a variable or the config file spells it; undefined when it is none. */
export function booleanWord(text: string): boolean | undefined {
  const word = text.toLowerCase();
  if (['1', 'true', 'yes'].includes(word)) return true;
  if (['0', 'false', 'no', ''].includes(word)) return false;
  return undefined;
}
