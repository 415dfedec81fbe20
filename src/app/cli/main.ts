#!/usr/bin/env node
import { createRequire } from 'node:module';
import type { ExecutorService } from '../../domain/services/executor.service.js';
import { findCommand, parseCommandLine } from './argv.js';
import { serviceFrom } from './backend-service.js';
import { COMMANDS, EVERY_FLAG, commandNamed } from './commands/index.js';
import { loadConfigFile } from './config-file.js';
import type { CommandContext } from './context.js';
import { errorDetails, errorDocument, errorLine } from './error-message.js';
import { exitWhenFlushed } from './exit.js';
import { EXIT, exitCodeOfError } from './exit-codes.js';
import { fileKey, GLOBAL_FLAGS } from './flags.js';
import { commandHelp, overviewHelp } from './help.js';
import { Output } from './output.js';
import { booleanWord, Settings } from './settings.js';
import { UsageError } from './usage-error.js';

const FILE_KEYS = new Set([...EVERY_FLAG.filter((f) => f.inFile !== false).map(fileKey), 'args']);

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let output = new Output(wantsJson(argv, env));
  let ctx: CommandContext | undefined;
  let debug = argv.includes('--debug');
  const { command: name, rest } = findCommand(argv, EVERY_FLAG);
  try {
    const command = name === undefined ? undefined : commandNamed(name);
    if (name !== undefined && !command) throw new UsageError(name, `is not a command; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`);
    const specs = [...GLOBAL_FLAGS, ...(command?.flags ?? [])];
    const line = parseCommandLine(name, rest, specs);
    if (line.values.version) return print(`smartjob ${version()}\n`);
    if (!command || line.values.help) return print(command ? commandHelp(command) : overviewHelp(COMMANDS));
    checkArguments(command.name, command.takesId, line.positionals, line.args);
    const file = await loadConfigFile((line.values.config as string | undefined) ?? env.SMARTJOB_CONFIG, FILE_KEYS);
    const settings = new Settings(specs, line.values, env, file);
    debug = settings.boolean('debug');
    output = new Output(settings.boolean('json'));
    const logger = output.logger(debug ? 'debug' : 'warn');
    let service: Promise<ExecutorService> | undefined;
    ctx = { line, settings, output, env, quiet: settings.boolean('quiet'), inputFlags: [], service: () => (service ??= serviceFrom(settings, logger)) };
    return await command.run(ctx);
  } catch (error) {
    const origins = { specs: EVERY_FLAG, inputFlags: ctx?.inputFlags };
    const code = exitCodeOfError(error);
    const message = errorLine(error, origins);
    const hint = code === EXIT.usage && name && commandNamed(name) ? ` (see \`smartjob ${name} --help\`)` : '';
    if (output.json && !output.hasDocument) output.document(errorDocument(error, origins));
    output.err(`smartjob: ${message}${hint}\n`);
    if (debug) output.err(errorDetails(error));
    return code;
  }
}

/**
 * --json (or SMARTJOB_JSON) as seen before the command line is parsed, so an error found while parsing it (an
 * unknown flag or command, a bad config file) is a JSON document too. A bad SMARTJOB_JSON counts as no.
 */
function wantsJson(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).includes('--json')) return true;
  return booleanWord(env.SMARTJOB_JSON ?? '') === true;
}

function print(text: string): number {
  process.stdout.write(text);
  return EXIT.succeeded;
}

/** An id for the commands that take one; no arguments (and no `--`) for the others, except run and schedule's ARGS. */
function checkArguments(command: string, takesId: boolean, positionals: readonly string[], args: readonly string[] | undefined): void {
  const acceptsArgs = command === 'run' || command === 'schedule';
  if (args !== undefined && !acceptsArgs) throw new UsageError('--', `takes no job arguments in \`smartjob ${command}\``);
  if (takesId && positionals.length !== 1) throw new UsageError('ID', `is required: \`smartjob ${command} ID\` takes one execution id, got ${positionals.length} arguments`);
  if (!takesId && positionals.length > 0) {
    const hint = acceptsArgs ? "; the job's arguments go after `--`" : '';
    throw new UsageError(positionals[0]!, `is not an argument of \`smartjob ${command}\`${hint}`);
  }
}

function version(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}

main(process.argv.slice(2), process.env).then(exitWhenFlushed, (error: unknown) => {
  process.stderr.write(`smartjob: internal error: ${errorDetails(error)}`);
  return exitWhenFlushed(EXIT.software);
});
