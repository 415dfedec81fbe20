import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FlagSpec } from './flags.js';
import { UsageError } from './usage-error.js';

export interface CommandLine {
  readonly command: string | undefined;
  /** The arguments before `--` that are no flags (e.g. an execution id). */
  readonly positionals: readonly string[];
  /** What follows `--` (the job's args); undefined without `--`. */
  readonly args: readonly string[] | undefined;
  /** Flag values as given: strings, booleans, or arrays for repeatable flags. */
  readonly values: Readonly<Record<string, unknown>>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

function optionsOf(specs: readonly FlagSpec[]): Options {
  const options: Options = {};
  for (const spec of specs) {
    const repeatable = spec.type === 'list' || spec.type === 'map';
    options[spec.name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', multiple: repeatable, ...(spec.short && { short: spec.short }) };
  }
  return options;
}

/** The command's name: the first argument that is not a flag or a flag's value (flags may come before it). */
export function findCommand(argv: readonly string[], everyFlag: readonly FlagSpec[]): { command: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({ args: [...argv], options: optionsOf(everyFlag), strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  if (!first || first.kind !== 'positional') return { command: undefined, rest: [...argv] };
  return { command: first.value, rest: argv.filter((_, i) => i !== first.index) };
}

/** Parses a command's arguments strictly: an unknown flag or a missing value is a UsageError naming the flag. */
export function parseCommandLine(command: string | undefined, argv: readonly string[], specs: readonly FlagSpec[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: optionsOf(specs), strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw usageErrorOf(error as Error & { code?: string }, command);
  }
  const terminator = parsed.tokens.find((t) => t.kind === 'option-terminator');
  const positionals = parsed.tokens.filter((t) => t.kind === 'positional' && (!terminator || t.index < terminator.index)).map((t) => (t as { value: string }).value);
  const args = terminator ? argv.slice(terminator.index + 1) : undefined;
  return { command, positionals, args, values: parsed.values };
}

function usageErrorOf(error: Error & { code?: string }, command: string | undefined): Error {
  const flag = /'(-{1,2}[^' =<]+)/.exec(error.message)?.[1] ?? '?';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(flag, `is not a flag of \`smartjob${command ? ` ${command}` : ''}\``);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(flag, /does not take/.test(error.message) ? 'takes no value' : `needs a value (for a value starting with '-', write ${flag}=VALUE)`);
    default:
      return error;
  }
}
