import type { ExecutorService } from '../../domain/services/executor.service.js';
import type { CommandLine } from './argv.js';
import type { FlagSpec } from './flags.js';
import type { Output } from './output.js';
import type { Settings } from './settings.js';

/** What a command runs with. */
export interface CommandContext {
  readonly line: CommandLine;
  readonly settings: Settings;
  readonly output: Output;
  readonly env: NodeJS.ProcessEnv;
  /** No status line or progress lines. */
  readonly quiet: boolean;
  /** The backend's service, built on first use (a usage error needs none). */
  service(): Promise<ExecutorService>;
  /** The flag that made each input, set by run and schedule for error messages. */
  inputFlags: readonly string[];
}

export interface Command {
  readonly name: string;
  /** One line for the overview. */
  readonly summary: string;
  /** After `smartjob NAME`, e.g. `ID [--follow]`. */
  readonly usage: string;
  readonly description: string;
  /** Besides the global ones. */
  readonly flags: readonly FlagSpec[];
  readonly examples: readonly string[];
  /** An execution id as its only argument, or none. */
  readonly takesId: boolean;
  run(ctx: CommandContext): Promise<number>;
}

/** The id argument of a command that takes one (checked by main). */
export function idOf(ctx: CommandContext): string {
  return ctx.line.positionals[0]!;
}
