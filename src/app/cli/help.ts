import type { Command } from './context.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { EXECUTION_FLAGS, GLOBAL_FLAGS, JOB_FLAGS, envName, type FlagSpec } from './flags.js';
import { CONFIG_FILE } from './config-file.js';

const SETTINGS_HELP = `Each flag can also come from its SMARTJOB_* variable (shown in brackets) or from ${CONFIG_FILE} in the
working directory (or --config FILE), keys in camelCase: flag > variable > file. A repeatable flag's variable holds
one item per line, a JSON array (K=V flags: or a JSON object), or comma-separated items (then no value has a comma).`;

export function overviewHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'smartjob: run a containerised job once on Docker, Cloud Run, Cloud Batch or Vertex AI',
    '',
    'Usage: smartjob <command> [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `smartjob <command> --help` for its flags and examples; `smartjob --version` for the version.',
    '',
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    SETTINGS_HELP,
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const groups: [string, readonly FlagSpec[]][] = [
    ['Job', command.flags.filter((f) => JOB_FLAGS.includes(f))],
    ['Execution', command.flags.filter((f) => EXECUTION_FLAGS.includes(f))],
    ['Flags', command.flags.filter((f) => !JOB_FLAGS.includes(f) && !EXECUTION_FLAGS.includes(f))],
    ['Global flags', GLOBAL_FLAGS],
  ];
  return [
    `smartjob ${command.name}: ${command.summary}`,
    '',
    `Usage: smartjob ${command.name} ${command.usage}`,
    '',
    command.description,
    ...groups.filter(([, flags]) => flags.length > 0).flatMap(([title, flags]) => ['', `${title}:`, ...flagLines(flags)]),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    SETTINGS_HELP,
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

function flagLines(flags: readonly FlagSpec[]): string[] {
  const left = flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  return flags.map((f, i) => {
    const variable = envName(f);
    return `  ${left[i]!.padEnd(width)}  ${f.help}${variable ? `  [${variable}]` : ''}`;
  });
}
